// DELETE /admin/v1/projects/{id}/users/{userId}?eraseEvents=true end to end (ADR 0024): the user's events
// leave the event log with everything stored about them; without it they stay; a mistyped request fails
// and changes nothing. Storage behaviour in test/contract/erasure.test.ts.
import BetterSqlite3 from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../src/storage/sqlite/dialect.js';
import { DIALECTS, rawRows } from '../helpers/databases.js';
import { startDeliveryWorld, type DeliveryWorld } from './delivery-helpers.js';

describe.each(DIALECTS)('erasing a user through the admin API on %s', (dialect) => {
  let w: DeliveryWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('deletes their events with the user, and only when asked', async () => {
    w = await startDeliveryWorld(dialect);
    const admin = w.t.admin;
    const p = `/admin/v1/projects/${w.project.id}`;
    const mine = await w.emit(await w.subscribe({ userId: 'user-1' }), { secret: 'their mail' });
    const kept = await w.emit(await w.subscribe({ userId: 'user-2' }), { n: 'kept' });
    await w.advance(0);
    expect(w.receiver.requests).toHaveLength(2);

    for (const bad of ['eraseEvents=yes', 'erase=true']) {
      const r = await admin.delete(`${p}/users/user-1?${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/eraseEvents|erase/);
    }
    expect((await admin.get(`${p}/users/user-1`)).status).toBe(200);
    expect((await w.eventLog(mine.id)).payload).toEqual({ secret: 'their mail' });

    expect((await admin.delete(`${p}/users/user-1?eraseEvents=true`)).body).toEqual({ success: true, erasedEvents: 1 });
    expect((await admin.get(`${p}/users/user-1`)).status).toBe(404);
    expect((await admin.get(`${p}/events/${mine.id}`)).status).toBe(404);
    expect((await admin.get(`${p}/events?userId=user-1`)).body.events).toEqual([]);
    const stored = JSON.stringify(await Promise.all(['events', 'event_payloads', 'deliveries', 'attempts'].map((table) => rawRows(w!.t.db.url, table))));
    expect(stored).not.toContain('their mail');
    expect(stored).not.toContain(mine.id);
    const metrics = await fetch(`${w.t.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^opentriggers_events_purged_total\{reason="erasure"\} 1$/m);

    // Without it, the user goes and their events stay in the event log.
    expect((await admin.delete(`${p}/users/user-2`)).body).toEqual({ success: true });
    expect((await w.eventLog(kept.id)).payload).toEqual({ n: 'kept' });
  });

  it.runIf(dialect === 'sqlite')('leaves no trace of an erased payload in the SQLite file (secure_delete)', async () => {
    w = await startDeliveryWorld(dialect);
    const needle = `needle-${crypto.randomUUID()}`;
    await w.emit(await w.subscribe({ userId: 'user-1' }), { mail: needle });
    await w.advance(0);
    const path = sqlitePathFromUrl(w.t.db.url);
    /** Whether the database file holds the needle, once the WAL is checkpointed into it and emptied. */
    const fileHolds = () => {
      const conn = new BetterSqlite3(path);
      try {
        conn.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        conn.close();
      }
      return readFileSync(path).includes(needle);
    };
    expect(fileHolds()).toBe(true);
    expect((await w.t.admin.delete(`/admin/v1/projects/${w.project.id}/users/user-1?eraseEvents=true`)).body).toMatchObject({ erasedEvents: 1 });
    expect(fileHolds()).toBe(false);
  });
});
