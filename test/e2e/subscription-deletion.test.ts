// Deleting a subscription stops its deliveries: what was still to be sent ends FAILED with the reason, an
// attempt in flight (or a delivery that raced the deletion) is failed by the worker instead of going to the
// project URL without the subscription's webhookOverride, and redelivering such an event is refused.
import pg from 'pg';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SUBSCRIPTION_DELETED } from '../../src/storage/port.js';
import { sqlitePathFromUrl } from '../../src/storage/sqlite/dialect.js';
import { DIALECTS } from '../helpers/databases.js';
import { behave } from '../helpers/fake-receiver.js';
import { startDeliveryWorld, type DeliveryWorld } from './delivery-helpers.js';

/** Delete a subscription's row behind storage's back: what a deletion racing a claim looks like to the worker. */
async function deleteRowOnly(url: string, id: string): Promise<void> {
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite3(sqlitePathFromUrl(url));
    try {
      db.prepare('DELETE FROM subscriptions WHERE id = ?').run(id);
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('DELETE FROM subscriptions WHERE id = $1', [id]);
  } finally {
    await c.end();
  }
}

describe.each(DIALECTS)('deleting a subscription on %s', (dialect) => {
  let w: DeliveryWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('fails its pending and held deliveries with the reason, and sends nothing more', async () => {
    w = await startDeliveryWorld(dialect);
    const admin = w.t.admin;
    const p = `/admin/v1/projects/${w.project.id}`;
    const sub = await w.subscribe({ webhookOverride: { url: `${w.receiver.url}override` } });
    const kept = await w.subscribe();
    // The receiver fails the first attempt: the event waits for its retry (PENDING).
    w.receiver.script((_req, i) => (i === 0 ? behave.status(500) : behave.ok()));
    const retried = await w.emit(sub, { n: 'retried' });
    await w.advance(0);
    expect((await w.eventLog(retried.id)).deliveries[0].status).toBe('PENDING');
    // Another waits for a re-activation that can no longer come (HELD).
    await w.t.svc.storage.subscriptions.update(sub.id, { status: 'ERRORED', error: 'receiver down' });
    const held = await w.emit({ ...sub, status: 'ERRORED' }, { n: 'held' });
    const other = await w.emit(kept, { n: 'other' });
    await w.advance(0); // everything due now is sent and recorded; the retry is 5 s away
    expect((await w.eventLog(other.id)).status).toBe('DELIVERED');

    expect((await admin.delete(`${p}/users/user-1/trigger-subscriptions/${sub.id}`)).status).toBe(200);
    for (const e of [retried, held]) {
      const log = await w.eventLog(e.id);
      expect(log.status).toBe('FAILED');
      expect(log.deliveries.at(-1)).toMatchObject({ status: 'FAILED', lastError: SUBSCRIPTION_DELETED });
    }
    await w.advance(3_600_000);
    expect(w.receiver.requests.map((r) => r.path)).toEqual(['/override', '/']); // the first attempt, then the other subscription's event
    // Redelivering one of them is refused: its override is gone, its user asked for nothing more.
    const r = await admin.post(`${p}/events/${retried.id}/redeliver`, {});
    expect(r.status).toBe(409);
    expect(r.body.message).toContain('its subscription was deleted');
  });

  it('fails a delivery whose subscription is gone when it is claimed, instead of sending it to the project URL', async () => {
    w = await startDeliveryWorld(dialect);
    const sub = await w.subscribe({ webhookOverride: { url: `${w.receiver.url}override`, headers: { authorization: 'Bearer per-user' } } });
    // The first attempt fails and asks for a retry; the subscription goes before the retry is claimed.
    w.receiver.script((_req, i) => (i === 0 ? behave.status(500) : behave.ok()));
    const e = await w.emit(sub, { n: 1 });
    await w.advance(0);
    await deleteRowOnly(w.t.db.url, sub.id);
    await w.advance(60_000);
    expect(w.receiver.requests.map((r) => r.path)).toEqual(['/override']); // the first attempt only: nothing to the project URL
    const log = await w.eventLog(e.id);
    expect(log.status).toBe('FAILED');
    expect(log.deliveries[0]).toMatchObject({ status: 'FAILED', lastError: SUBSCRIPTION_DELETED });
    expect(log.attempts).toHaveLength(1);
  });
});
