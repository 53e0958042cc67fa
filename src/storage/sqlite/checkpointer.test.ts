// The background checkpointer copies committed WAL pages into the database file without the writer's help.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openTestStorage } from '../../../test/helpers/databases.js';
import { sqlitePathFromUrl } from './dialect.js';
import { WRITER_CHECKPOINT_PAGES } from './checkpointer.js';

describe('SQLite background checkpoints', () => {
  it('moves committed pages into the database file while the writer stays below its own threshold', async () => {
    const t = await openTestStorage('sqlite');
    try {
      const path = sqlitePathFromUrl(t.db.url);
      const s = t.storage;
      const project = await s.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
      await s.users.touch(project.id, 'u');
      const sub = await s.subscriptions.create({
        projectId: project.id, userId: 'u', credentialId: null, integration: 'github', triggerType: 'T', parameters: {},
        webhookOverride: null, status: 'ACTIVE', error: null, state: {}, secret: null, nextPollAt: null, renewAt: null,
      });
      // Let the checkpoint of the migrations settle, then measure from there.
      await new Promise((r) => setTimeout(r, 500));
      const before = statSync(path).size;
      // ~300 pages: far below the writer's own autocheckpoint threshold.
      const payload = { text: 'x'.repeat(3000) };
      await s.events.record(Array.from({ length: 300 }, (_, i) => ({ subscription: sub, dedupeKey: `k${i}`, payload })), 1000);
      expect(300).toBeLessThan(WRITER_CHECKPOINT_PAGES);
      let after = before;
      for (let i = 0; i < 50 && after < before + 300 * 3000; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = statSync(path).size;
      }
      expect(after).toBeGreaterThanOrEqual(before + 300 * 3000);
    } finally {
      await t.close();
    }
  });

  it('stops its thread on close even when nothing else keeps the process alive', async () => {
    // A script whose last work is closing the storage: the thread (unref'd while it runs) must still get
    // the message and close, and the awaited close() settle; before, the process ended first (exit code 13,
    // an unsettled top-level await).
    const dir = mkdtempSync(join(tmpdir(), 'ot-checkpointer-'));
    const script = [
      `import { startCheckpointer } from ${JSON.stringify(new URL('./checkpointer.ts', import.meta.url).pathname)};`,
      `import { openSqlite, migrateSqlite } from ${JSON.stringify(new URL('./dialect.ts', import.meta.url).pathname)};`,
      `const db = openSqlite(${JSON.stringify(join(dir, 'x.db'))});`,
      'await migrateSqlite(db);',
      `const checkpointer = startCheckpointer(${JSON.stringify(join(dir, 'x.db'))});`,
      'await checkpointer.stop();',
      'await db.destroy();',
      "console.log('stopped');",
    ].join('\n');
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
      expect(stdout.trim()).toBe('stopped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
