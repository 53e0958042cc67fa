// Erasing a connected user's events (ADR 0024): their events go with payloads, deliveries and attempts, in
// batches from a cursor; an event whose attempt is in flight, and the logs of their subscriptions, go after
// the grace period through the deleted-subscriptions pass. Nobody else's events are touched. Both dialects.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, StoredEvent, Subscription } from '../../src/storage/port.js';
import { DIALECTS, openTestStorage, rawRows } from '../helpers/databases.js';

const T = 1_000_000;

describe.each(DIALECTS)('erasing a user on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestStorage>>;
  let s: Storage;
  let projectId: string;
  let n = 0;
  beforeEach(async () => {
    t = await openTestStorage(dialect);
    s = t.storage;
    projectId = (await s.projects.create({ name: 'p', webhookUrl: 'https://example.com/hook', signingSecret: 'whsec_x' })).id;
  });
  afterEach(async () => {
    await t.close();
  });

  const subscribe = (userId: string) => s.subscriptions.create({
    projectId, userId, credentialId: null, integration: 'github', triggerType: 'GITHUB_TRIGGER_PUSH',
    parameters: {}, webhookOverride: null, status: 'ACTIVE', error: null, state: {}, secret: null, nextPollAt: null, renewAt: null,
  });
  async function record(sub: Subscription, at = T): Promise<StoredEvent> {
    const [e] = await s.events.record([{ subscription: sub, dedupeKey: `k-${++n}`, payload: { n } }], at);
    return e!;
  }
  /** Claim every due delivery and record a successful attempt for each. */
  async function deliverAll(at = T) {
    const claimed = await s.deliveries.claimDue(at, at + 60_000, 'w', 100);
    await s.deliveries.complete(claimed.map((c) => ({
      claimed: c.delivery,
      attempt: { startedAt: at, url: 'https://example.com/hook', statusCode: 200, latencyMs: 1, responseExcerpt: 'ok', error: null, outcome: 'succeeded' as const },
      next: { kind: 'succeeded' as const },
    })), at);
  }
  const rowsOf = async (table: string, key: string, values: string[]) => (await rawRows(t.db.url, table)).filter((r: any) => values.includes(r[key]));
  async function eraseAll(userId: string, batch: number, now: number): Promise<number[]> {
    const erased: number[] = [];
    let cursor = 0;
    for (;;) {
      const r = await s.events.eraseUser(projectId, userId, cursor, batch, now);
      erased.push(r.erased);
      if (!r.more) return erased;
      cursor = r.cursor;
    }
  }

  it('deletes their events with payloads, deliveries and attempts; an attempt in flight and their logs go after the grace period', async () => {
    const mine = [await subscribe('user-1'), await subscribe('user-1')];
    const theirs = await subscribe('user-2');
    const delivered = [await record(mine[0]!), await record(mine[1]!)];
    const other = await record(theirs);
    await deliverAll();
    await s.events.record([{ subscription: mine[0]!, dedupeKey: 'baseline', payload: {} }], T, { seenOnly: true });
    const sending = await record(mine[1]!);
    const [inFlight] = await s.deliveries.claimDue(T, T + 60_000, 'w', 100);
    const pending = await record(mine[0]!);
    for (const sub of [...mine, theirs]) await s.logs.add({ projectId, subscriptionId: sub.id, at: T, level: 'info', message: 'created' });
    for (const sub of mine) await s.subscriptions.delete(sub.id, T + 1);

    // Five events of theirs (delivered ×2, the marker, the one in flight, pending), in batches of two; the
    // one in flight stays.
    expect(inFlight?.event.id).toBe(sending.id);
    expect(await eraseAll('user-1', 2, T + 2)).toEqual([2, 1, 1]);
    const myIds = [...delivered, pending, sending].map((e) => e.id);
    expect((await rowsOf('events', 'subscription_id', mine.map((m) => m.id))).map((e: any) => e.id)).toEqual([sending.id]);
    expect(await s.events.get(projectId, pending.id)).toBeNull();
    expect((await rowsOf('deliveries', 'event_id', myIds)).map((d: any) => d.status)).toEqual(['SENDING']);
    expect(await rowsOf('attempts', 'event_id', myIds)).toEqual([]);
    expect((await rawRows(t.db.url, 'deleted_subscriptions')).map((d: any) => Number(d.erase_events))).toEqual([1, 1]);
    // Nobody else's: user-2's event is whole.
    expect((await s.events.get(projectId, other.id))?.payload).toEqual({ n: 3 });
    expect(await s.attempts.listForEvent(other.id)).toHaveLength(1);

    // The attempt in flight ends and records itself; after the grace period the pass takes what is left.
    await s.deliveries.complete([{ claimed: inFlight!.delivery, attempt: { startedAt: T, url: 'https://example.com/hook', statusCode: 200, latencyMs: 1, responseExcerpt: 'ok', error: null, outcome: 'succeeded' }, next: { kind: 'succeeded' } }], T + 3);
    expect(await s.events.purgeDeletedSubscription(T + 1, 10)).toEqual({ markers: 0, erased: 0, more: false }); // not yet
    let erasedLater = 0;
    for (let r = await s.events.purgeDeletedSubscription(T + 2, 10); r.more; r = await s.events.purgeDeletedSubscription(T + 2, 10)) erasedLater += r.erased;
    expect(erasedLater).toBe(1);
    expect(await rowsOf('events', 'project_id', [projectId])).toHaveLength(1);
    expect(await rowsOf('attempts', 'event_id', myIds)).toEqual([]);
    expect(await rowsOf('subscription_logs', 'subscription_id', mine.map((m) => m.id))).toEqual([]);
    expect(await rowsOf('subscription_logs', 'subscription_id', [theirs.id])).toHaveLength(1);
    expect(await rawRows(t.db.url, 'deleted_subscriptions')).toEqual([]);
    expect((await rawRows(t.db.url, 'event_payloads')).length).toBe(1);
  });

  it('also reaches subscriptions deleted long ago: their events now, their logs after the grace period', async () => {
    const old = await subscribe('user-1');
    const e = await record(old);
    await deliverAll();
    await s.logs.add({ projectId, subscriptionId: old.id, at: T, level: 'info', message: 'created' });
    await s.subscriptions.delete(old.id, T);
    // No markers to delete: it is forgotten on the first pass, its delivered event left in the event log.
    expect(await s.events.purgeDeletedSubscription(T + 1, 10)).toEqual({ markers: 0, erased: 0, more: true });
    expect(await rawRows(t.db.url, 'deleted_subscriptions')).toEqual([]);

    expect(await eraseAll('user-1', 10, 5 * T)).toEqual([1]);
    expect(await s.events.get(projectId, e.id)).toBeNull();
    expect(await rawRows(t.db.url, 'deleted_subscriptions')).toMatchObject([{ id: old.id, user_id: 'user-1' }]);
    expect(await s.events.purgeDeletedSubscription(5 * T, 10)).toEqual({ markers: 0, erased: 0, more: false });
    expect(await s.events.purgeDeletedSubscription(5 * T + 1, 10)).toEqual({ markers: 0, erased: 0, more: true });
    expect(await rawRows(t.db.url, 'subscription_logs')).toEqual([]);
  });

  it('never marks a live subscription (one made while the user was being deleted): its markers must stay', async () => {
    const live = await subscribe('user-1');
    await record(live);
    expect(await eraseAll('user-1', 10, T)).toEqual([1]);
    expect(await rawRows(t.db.url, 'deleted_subscriptions')).toEqual([]);
  });
});
