// Upgrading a database that already holds events: migration 4 moves every payload into event_payloads and
// the events read back exactly as before, through the storage port. Both dialects.
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations } from '../../src/storage/migrate.js';
import { openStorage } from '../../src/storage/open.js';
import { postgresMigrations } from '../../src/storage/postgres/migrations.js';
import type { Database } from '../../src/storage/schema.js';
import { sqliteMigrations } from '../../src/storage/sqlite/migrations.js';
import { createTestDatabase, DIALECTS, openTestKysely, testKeyring, type TestDatabase } from '../helpers/databases.js';

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let tdb: TestDatabase;
  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await tdb.drop();
  });

  /** The database as a release before migration 4 left it, with two events (one payload per event row). */
  async function databaseBeforePayloadTable(): Promise<void> {
    const db: Kysely<Database> = openTestKysely(tdb);
    try {
      const migrations = (dialect === 'sqlite' ? sqliteMigrations : postgresMigrations).filter((m) => m.version < 4);
      await runMigrations(db, migrations);
      const event = (seq: number, status: string, payload: string) => sql`
        INSERT INTO events (seq, id, project_id, user_id, subscription_id, credential_id, integration, trigger_type, dedupe_key, payload, status, date_received, delivered_at)
        VALUES (${seq}, ${`0190a000-0000-7000-8000-00000000000${seq}`}, 'prj', 'user-1', 'sub-1', NULL, 'github', 'GITHUB_TRIGGER_ISSUE_OPENED', ${`k${seq}`}, ${payload}, ${status}, ${1000 + seq}, NULL)`;
      await event(1, 'DELIVERED', '{"n":1,"text":"é"}').execute(db);
      await event(2, 'FAILED', '[1,{"two":2}]').execute(db);
    } finally {
      await db.destroy();
    }
  }

  it('moves existing payloads to event_payloads; every event reads back unchanged', async () => {
    await databaseBeforePayloadTable();
    const storage = await openStorage(tdb.url, testKeyring()); // applies migration 4
    try {
      const events = await storage.events.list({ projectId: 'prj', limit: 10 });
      expect(events.map((e) => ({ seq: e.seq, payload: e.payload, status: e.status }))).toEqual([
        { seq: 2, payload: [1, { two: 2 }], status: 'FAILED' },
        { seq: 1, payload: { n: 1, text: 'é' }, status: 'DELIVERED' },
      ]);
      expect((await storage.events.get('prj', '0190a000-0000-7000-8000-000000000001'))?.payload).toEqual({ n: 1, text: 'é' });
      expect(await storage.events.listForUserAfter('prj', 'user-1', 1, 10)).toMatchObject([{ seq: 2, payload: [1, { two: 2 }] }]);
    } finally {
      await storage.close();
    }
  });
});
