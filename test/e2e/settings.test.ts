// Settings read from the environment (src/config.ts) whose parsing is not covered with their feature.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/databases.js';
import { startTestService } from '../helpers/service.js';

describe('OPENTRIGGERS_BACKSTOP_SYNC_SECONDS', () => {
  it('defaults to 15 minutes, 0 turns backstop syncs off, anything else must be a whole number of seconds', () => {
    expect(loadConfig({}).backstopSyncSeconds).toBe(900);
    expect(loadConfig({ OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: '3600' }).backstopSyncSeconds).toBe(3600);
    expect(loadConfig({ OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: '0' }).backstopSyncSeconds).toBe(0);
    for (const bad of ['-1', '1.5', 'hourly']) {
      expect(() => loadConfig({ OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: bad })).toThrow(/OPENTRIGGERS_BACKSTOP_SYNC_SECONDS: must be a non-negative integer \(0 turns it off\)/);
    }
  });
});

describe('OPENTRIGGERS_PG_PREPARED_STATEMENTS', () => {
  it('is on unless set to false or 0; anything else is refused', () => {
    expect(loadConfig({}).pgPreparedStatements).toBe(true);
    expect(loadConfig({ OPENTRIGGERS_PG_PREPARED_STATEMENTS: 'true' }).pgPreparedStatements).toBe(true);
    expect(loadConfig({ OPENTRIGGERS_PG_PREPARED_STATEMENTS: 'false' }).pgPreparedStatements).toBe(false);
    expect(loadConfig({ OPENTRIGGERS_PG_PREPARED_STATEMENTS: '0' }).pgPreparedStatements).toBe(false);
    expect(() => loadConfig({ OPENTRIGGERS_PG_PREPARED_STATEMENTS: 'off' })).toThrow(/OPENTRIGGERS_PG_PREPARED_STATEMENTS/);
  });
});

describe('OPENTRIGGERS_PG_POOL_SIZE', () => {
  it('defaults to 10 connections; fewer than 2 (one is kept for LISTEN) or a non-integer is refused', () => {
    expect(loadConfig({}).pgPoolSize).toBe(10);
    expect(loadConfig({ OPENTRIGGERS_PG_POOL_SIZE: '2' }).pgPoolSize).toBe(2);
    expect(loadConfig({ OPENTRIGGERS_PG_POOL_SIZE: '64' }).pgPoolSize).toBe(64);
    for (const bad of ['0', '1', '2.5', 'many']) {
      expect(() => loadConfig({ OPENTRIGGERS_PG_POOL_SIZE: bad })).toThrow(/OPENTRIGGERS_PG_POOL_SIZE: must be an integer of at least 2/);
    }
  });
});

describe.runIf(TEST_DATABASE_URL)('OPENTRIGGERS_PG_POOL_SIZE on PostgreSQL', () => {
  /**
   * Starts the service under an application_name of its own and opens five transactions that each hold
   * their connection until released; `whileHeld` sees how many connections the service has meanwhile.
   */
  async function withFiveTransactionsHeld(env: Record<string, string>, whileHeld: (connections: () => Promise<number>) => Promise<void>) {
    const db = await createTestDatabase('postgres');
    const applicationName = `ot-pool-${crypto.randomUUID().slice(0, 8)}`;
    const t = await startTestService({ dialect: 'postgres', db: { ...db, url: `${db.url}&application_name=${applicationName}` }, env });
    const observer = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await observer.connect();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = Array.from({ length: 5 }, () =>
      t.svc.storage.transaction(async (tx) => {
        await tx.meta.get('pool-test');
        await gate;
      }),
    );
    try {
      await whileHeld(async () => {
        const { rows } = await observer.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
        return Number(rows[0]!.n);
      });
    } finally {
      release();
      await Promise.all(held); // the ones that waited for a connection run too
      await observer.end();
      await t.stop();
      await db.drop();
    }
  }

  const reaches = async (connections: () => Promise<number>, n: number) => {
    for (const deadline = Date.now() + 5_000; (await connections()) < n; ) {
      if (Date.now() > deadline) throw new Error(`expected ${n} connections, have ${await connections()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('opens at most that many connections per process; callers beyond it wait for one', async () => {
    await withFiveTransactionsHeld({ OPENTRIGGERS_PG_POOL_SIZE: '2' }, async (connections) => {
      await reaches(connections, 2);
      await new Promise((resolve) => setTimeout(resolve, 200)); // three transactions are waiting meanwhile
      expect(await connections()).toBe(2);
    });
    // The default (10) gives each of the five a connection at once: the setting is what bounded it above.
    await withFiveTransactionsHeld({}, (connections) => reaches(connections, 5));
  });
});
