// Upgrading a database that already holds events: migration 4 moves every payload into event_payloads and
// the events read back exactly as before, through the storage port; migration 5 finds the subscriptions
// deleted earlier whose dedupe markers are still stored. Both dialects.
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations } from '../../src/storage/migrate.js';
import { openStorage } from '../../src/storage/open.js';
import { postgresMigrations } from '../../src/storage/postgres/migrations.js';
import type { Database } from '../../src/storage/schema.js';
import { sqliteMigrations } from '../../src/storage/sqlite/migrations.js';
import { createTestDatabase, DIALECTS, openTestKysely, rawRows, testKeyring, type TestDatabase } from '../helpers/databases.js';

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

  it('remembers subscriptions deleted before migration 5 that left markers behind, and only those', async () => {
    const db: Kysely<Database> = openTestKysely(tdb);
    try {
      await runMigrations(db, (dialect === 'sqlite' ? sqliteMigrations : postgresMigrations).filter((m) => m.version < 5));
      await sql`INSERT INTO projects (id, name, webhook_url, signing_secret, created_at, updated_at) VALUES ('prj', 'p', NULL, 'whsec_x', 1, 1)`.execute(db);
      await sql`INSERT INTO subscriptions (id, project_id, user_id, credential_id, integration, trigger_type, parameters, webhook_override, status, error, state, secret, date_created, date_last_received_event, updated_at, consecutive_failures)
        VALUES ('live', 'prj', 'user-1', NULL, 'github', 'GITHUB_TRIGGER_PUSH', '{}', NULL, 'ACTIVE', NULL, '{}', NULL, 1, NULL, 1, 0)`.execute(db);
      const event = (seq: number, subscriptionId: string, status: string) => sql`
        INSERT INTO events (seq, id, project_id, user_id, subscription_id, credential_id, integration, trigger_type, dedupe_key, status, date_received, delivered_at)
        VALUES (${seq}, ${`0190a000-0000-7000-8000-00000000000${seq}`}, 'prj', 'user-1', ${subscriptionId}, NULL, 'github', 'GITHUB_TRIGGER_PUSH', ${`k${seq}`}, ${status}, 1000, NULL)`;
      await event(1, 'live', 'SEEN').execute(db);
      await event(2, 'gone', 'SEEN').execute(db);
      await event(3, 'gone', 'SEEN').execute(db);
      await event(4, 'gone-delivered', 'DELIVERED').execute(db); // in the event log, no marker: nothing to delete
      for (const seq of [1, 2, 3, 4]) await sql`INSERT INTO event_payloads (seq, payload) VALUES (${seq}, '{}')`.execute(db);
    } finally {
      await db.destroy();
    }
    const storage = await openStorage(tdb.url, testKeyring()); // applies migration 5
    try {
      expect(await rawRows(tdb.url, 'deleted_subscriptions')).toEqual([{ id: 'gone', project_id: 'prj', user_id: 'user-1', deleted_at: dialect === 'sqlite' ? 0 : '0', erase_events: 0 }]);
      expect(await storage.events.purgeDeletedSubscription(1, 10)).toEqual({ markers: 2, erased: 0, more: true });
      expect(await storage.events.purgeDeletedSubscription(1, 10)).toEqual({ markers: 0, erased: 0, more: false });
      expect((await rawRows(tdb.url, 'events')).map((e: any) => Number(e.seq)).sort()).toEqual([1, 4]);
      expect((await rawRows(tdb.url, 'event_payloads')).map((e: any) => Number(e.seq)).sort()).toEqual([1, 4]);
    } finally {
      await storage.close();
    }
  });
});
