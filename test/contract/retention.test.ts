// Event retention: finished events past the retention period lose payload, deliveries and attempts and stay
// only as dedupe markers; everything not finished, or not old enough, is kept whole. The markers of a
// deleted subscription stop nothing and are deleted too. Same on both dialects, through storage and through
// the passes that run it (src/engine/retention.ts, src/engine/deleted-subscriptions.ts).
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELETED_SUBSCRIPTIONS_GRACE_MS, DeletedSubscriptionsCleanup } from '../../src/engine/deleted-subscriptions.js';
import { EventRetention } from '../../src/engine/retention.js';
import { SUBSCRIPTION_DELETED, type DeliveryOutcome, type Storage, type StoredEvent, type Subscription } from '../../src/storage/port.js';
import { openStorage } from '../../src/storage/open.js';
import { DIALECTS, openTestStorage, rawRows } from '../helpers/databases.js';

const DAY = 24 * 60 * 60_000;
const silent = pino({ level: 'silent' });

describe.each(DIALECTS)('event retention on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestStorage>>;
  let s: Storage;
  let sub: Subscription;
  let n = 0;
  beforeEach(async () => {
    t = await openTestStorage(dialect);
    s = t.storage;
    const project = await s.projects.create({ name: 'p', webhookUrl: 'https://example.com/hook', signingSecret: 'whsec_x' });
    await s.users.touch(project.id, 'user-1');
    sub = await subscribe(project.id);
  });
  const subscribe = (projectId: string) => s.subscriptions.create({
    projectId, userId: 'user-1', credentialId: null, integration: 'github', triggerType: 'GITHUB_TRIGGER_PUSH',
    parameters: {}, webhookOverride: null, status: 'ACTIVE', error: null, state: {}, secret: null, nextPollAt: null, renewAt: null,
  });
  afterEach(async () => {
    await t.close();
  });

  async function record(at: number, key = `k-${++n}`, of = sub): Promise<StoredEvent> {
    const [e] = await s.events.record([{ subscription: of, dedupeKey: key, payload: { key } }], at);
    return e!;
  }

  /** Polling baselines: SEEN markers with their payloads. */
  async function markers(of: Subscription, count: number, at: number): Promise<void> {
    const items = Array.from({ length: count }, () => ({ subscription: of, dedupeKey: `m-${++n}`, payload: { n } }));
    await s.events.record(items, at, { seenOnly: true });
  }

  const keysOf = async (subscriptionId: string) =>
    (await rawRows(t.db.url, 'events')).filter((e: any) => e.subscription_id === subscriptionId).map((e: any) => `${e.status}:${e.dedupe_key}`).sort();

  /** Claim every due delivery and record the given outcome with one attempt each. */
  async function finishAll(at: number, next: DeliveryOutcome['next']) {
    const claimed = await s.deliveries.claimDue(at, at + 60_000, 'w', 100);
    await s.deliveries.complete(claimed.map((c) => ({
      claimed: c.delivery,
      attempt: { startedAt: at, url: 'https://example.com/hook', statusCode: 200, latencyMs: 1, responseExcerpt: 'ok', error: null, outcome: next.kind === 'succeeded' ? 'succeeded' as const : 'failed' as const },
      next,
    })), at);
  }

  const listed = async () => (await s.events.list({ projectId: sub.projectId, limit: 100 })).map((e) => e.dedupeKey).sort();

  it('keeps a marker of finished old events, and everything unfinished or young whole', async () => {
    const delivered = await record(1 * DAY);
    await finishAll(1 * DAY, { kind: 'succeeded' });
    const failed = await record(2 * DAY);
    await finishAll(2 * DAY, { kind: 'failed', reason: 'gone' });
    const pending = await record(3 * DAY);
    // Its attempt is still running (a long lease): the event is not finished.
    const [inFlight] = await s.deliveries.claimDue(3 * DAY, 100 * DAY, 'w', 10);
    const young = await record(20 * DAY);
    await finishAll(20 * DAY, { kind: 'succeeded' });

    const r = await s.events.expire(10 * DAY, 0, 100);
    expect(r).toEqual({ expired: 2, cursor: pending.seq, more: false });
    // Gone from every reading path: the event log, a single read, the pull API, replay.
    expect(await listed()).toEqual([pending.dedupeKey, young.dedupeKey].sort());
    expect(await s.events.get(sub.projectId, delivered.id)).toBeNull();
    expect((await s.events.listForUserAfter(sub.projectId, 'user-1', 0, 10)).map((e) => e.id)).toEqual([pending.id, young.id]);
    expect(await s.deliveries.redeliver(sub.projectId, failed.id, 21 * DAY)).toBeNull();
    expect(await s.attempts.listForEvent(delivered.id)).toEqual([]);
    // Their space is given back: payloads, deliveries and attempts of the young and pending events only.
    expect((await rawRows(t.db.url, 'event_payloads')).length).toBe(2);
    expect((await rawRows(t.db.url, 'deliveries')).map((d: any) => d.event_id).sort()).toEqual([pending.id, young.id].sort());
    expect((await rawRows(t.db.url, 'attempts')).map((a: any) => a.event_id)).toEqual([young.id]);
    // The marker still stops a repeat of the same item (a provider's late retry, a poll that sees it again).
    expect(await s.events.record([{ subscription: sub, dedupeKey: delivered.dedupeKey, payload: {} }], 21 * DAY)).toEqual([]);
    // The pending event is delivered later: still whole, whatever its age.
    await s.deliveries.complete([{ claimed: inFlight!.delivery, next: { kind: 'succeeded' } }], 22 * DAY);
    expect((await s.events.get(sub.projectId, pending.id))?.payload).toEqual({ key: pending.dedupeKey });
  });

  it('leaves no marker of an event whose trigger type the provider no longer repeats (redeliveryDays)', async () => {
    const other = await s.subscriptions.create({ ...sub, triggerType: 'SLACK_TRIGGER_CHANNEL_CREATED', integration: 'slack', id: undefined });
    const forgotten = await record(1 * DAY, 'forgotten', other);
    const kept = await record(1 * DAY);
    await finishAll(1 * DAY, { kind: 'succeeded' });
    expect((await s.events.expire(10 * DAY, 0, 100, new Set(['SLACK_TRIGGER_CHANNEL_CREATED']))).expired).toBe(2);
    expect(await keysOf(other.id)).toEqual([]);
    expect(await keysOf(sub.id)).toEqual([`SEEN:${kept.dedupeKey}`]);
    expect(await s.events.get(sub.projectId, forgotten.id)).toBeNull();
    expect(await rawRows(t.db.url, 'deliveries')).toEqual([]);
  });

  it('keeps a finished event whose redelivery is still to run', async () => {
    const e = await record(1 * DAY);
    await finishAll(1 * DAY, { kind: 'failed', reason: 'gone' });
    // Redelivered and already delivered again, then redelivered once more: that delivery is still PENDING.
    await s.deliveries.redeliver(sub.projectId, e.id, 2 * DAY);
    await finishAll(2 * DAY, { kind: 'succeeded' });
    await s.deliveries.redeliver(sub.projectId, e.id, 3 * DAY);
    await s.deliveries.claimDue(3 * DAY, 3 * DAY + 60_000, 'w', 10); // SENDING, status of the event PENDING
    expect((await s.events.expire(10 * DAY, 0, 100)).expired).toBe(0);
    expect(await s.events.get(sub.projectId, e.id)).not.toBeNull();
  });

  it('keeps a delivered event while another of its redeliveries is still queued', async () => {
    const e = await record(1 * DAY);
    await finishAll(1 * DAY, { kind: 'failed', reason: 'gone' });
    // Redelivered twice; the first of them succeeds (the event is DELIVERED), the second still waits.
    await s.deliveries.redeliver(sub.projectId, e.id, 2 * DAY);
    await s.deliveries.redeliver(sub.projectId, e.id, 2 * DAY);
    const [first] = await s.deliveries.claimDue(2 * DAY, 2 * DAY + 60_000, 'w', 1);
    await s.deliveries.complete([{ claimed: first!.delivery, next: { kind: 'succeeded' } }], 2 * DAY);
    expect((await s.events.get(sub.projectId, e.id))?.status).toBe('DELIVERED');
    expect((await s.events.expire(10 * DAY, 0, 100)).expired).toBe(0);
    expect((await s.events.get(sub.projectId, e.id))?.payload).toEqual({ key: e.dedupeKey });
  });

  it('a redelivery racing the sweep either keeps the event whole or finds only the marker', async () => {
    const e = await record(1 * DAY);
    await finishAll(1 * DAY, { kind: 'failed', reason: 'gone' });
    // The sweep's transaction has turned the event into a marker and not committed yet; an admin redelivers
    // it meanwhile (on PostgreSQL from another connection, waiting for the row; on SQLite for the connection).
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let expired!: () => void;
    const swept = new Promise<void>((resolve) => (expired = resolve));
    const sweep = s.transaction(async (tx) => {
      const r = await tx.events.expire(10 * DAY, 0, 100);
      expired();
      await gate;
      return r;
    });
    await swept;
    const redelivery = s.deliveries.redeliver(sub.projectId, e.id, 20 * DAY);
    await new Promise((resolve) => setTimeout(resolve, 100));
    commit();
    expect((await sweep).expired).toBe(1);
    expect(await redelivery).toBeNull();
    expect(await rawRows(t.db.url, 'deliveries')).toEqual([]);
    expect(await s.events.get(sub.projectId, e.id)).toBeNull();
  });

  it('walks from a cursor in batches and never passes an event that is not old enough', async () => {
    const old: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) old.push(await record(1 * DAY + i));
    await finishAll(1 * DAY + 10, { kind: 'succeeded' });
    const young = await record(30 * DAY);
    await finishAll(30 * DAY, { kind: 'succeeded' });
    const first = await s.events.expire(10 * DAY, 0, 2);
    expect(first).toEqual({ expired: 2, cursor: old[1]!.seq, more: true });
    const second = await s.events.expire(10 * DAY, first.cursor, 2);
    expect(second).toEqual({ expired: 2, cursor: old[3]!.seq, more: true });
    // The fifth old event, then the young one stops the walk: the cursor stays before it.
    const third = await s.events.expire(10 * DAY, second.cursor, 2);
    expect(third).toEqual({ expired: 1, cursor: old[4]!.seq, more: false });
    expect(await s.events.expire(10 * DAY, third.cursor, 2)).toEqual({ expired: 0, cursor: old[4]!.seq, more: false });
    // Once it is old enough, the walk goes on from there.
    expect(await s.events.expire(40 * DAY, third.cursor, 2)).toEqual({ expired: 1, cursor: young.seq, more: false });
  });

  it('the sweep expires everything old in one run and resumes from its saved cursor', async () => {
    let clock = 1 * DAY;
    for (let i = 0; i < 7; i++) await record(clock + i);
    await finishAll(clock + 10, { kind: 'succeeded' });
    clock = 40 * DAY;
    const sweep = new EventRetention({ storage: s, logger: silent, now: () => clock, retentionDays: 30, batch: 3 });
    expect(await sweep.runOnce()).toBe(7);
    expect(await listed()).toEqual([]);
    // The next sweep starts after what the last one walked: a new old-enough event is found, nothing else.
    const later = await record(41 * DAY);
    await finishAll(41 * DAY, { kind: 'succeeded' });
    expect(await sweep.runOnce()).toBe(0); // 41 days: younger than 30 days at day 40
    clock = 72 * DAY;
    expect(await sweep.runOnce()).toBe(1);
    expect(await s.events.get(sub.projectId, later.id)).toBeNull();
    expect(Number(await s.meta.get('events.retention.cursor'))).toBe(later.seq);
  });

  it('deletes the markers of a deleted subscription once it has been deleted long enough, in batches', async () => {
    await markers(sub, 3, 1 * DAY);
    const delivered = await record(1 * DAY);
    await finishAll(1 * DAY, { kind: 'succeeded' });
    const other = await subscribe(sub.projectId);
    await markers(other, 1, 1 * DAY);
    const otherKeys = await keysOf(other.id);

    expect(await s.subscriptions.delete(sub.id, 5 * DAY)).toBe(true);
    expect(await s.subscriptions.delete(sub.id, 5 * DAY)).toBe(false);
    expect(await s.events.purgeDeletedSubscription(5 * DAY, 2)).toEqual({ markers: 0, erased: 0, more: false }); // not before it was deleted
    expect(await s.events.purgeDeletedSubscription(5 * DAY + 1, 2)).toEqual({ markers: 2, erased: 0, more: true });
    expect(await s.events.purgeDeletedSubscription(5 * DAY + 1, 2)).toEqual({ markers: 1, erased: 0, more: true });
    expect(await s.events.purgeDeletedSubscription(5 * DAY + 1, 2)).toEqual({ markers: 0, erased: 0, more: false });
    // Its delivered event stays in the event log, whole; the other subscription's marker still counts.
    expect(await keysOf(sub.id)).toEqual([`DELIVERED:${delivered.dedupeKey}`]);
    expect((await s.events.get(sub.projectId, delivered.id))?.payload).toEqual({ key: delivered.dedupeKey });
    expect(await keysOf(other.id)).toEqual(otherKeys);
    expect(await s.events.record([{ subscription: other, dedupeKey: otherKeys[0]!.slice('SEEN:'.length), payload: {} }], 6 * DAY)).toEqual([]);
    expect((await rawRows(t.db.url, 'event_payloads')).length).toBe(2);
    expect(await rawRows(t.db.url, 'deleted_subscriptions')).toEqual([]);
  });

  it('deleting a subscription fails its deliveries still to run, and leaves one in flight and other subscriptions alone', async () => {
    const inFlight = await record(1 * DAY);
    await s.deliveries.claimDue(1 * DAY, 1 * DAY + 60_000, 'w', 10);
    const pending = await record(1 * DAY);
    const other = await subscribe(sub.projectId);
    const theirs = await record(1 * DAY, 'theirs', other);
    await s.subscriptions.delete(sub.id, 2 * DAY);
    const deliveryOf = async (eventId: string) => (await s.deliveries.listForEvent(eventId))[0];
    expect((await s.events.get(sub.projectId, pending.id))?.status).toBe('FAILED');
    expect(await deliveryOf(pending.id)).toMatchObject({ status: 'FAILED', lastError: SUBSCRIPTION_DELETED, updatedAt: 2 * DAY });
    expect((await s.events.get(sub.projectId, inFlight.id))?.status).toBe('PENDING');
    expect((await deliveryOf(inFlight.id))?.status).toBe('SENDING');
    expect((await s.events.get(sub.projectId, theirs.id))?.status).toBe('PENDING');
    expect((await deliveryOf(theirs.id))?.status).toBe('PENDING');
  });

  it('retention deletes the finished events of a deleted subscription altogether, and markers stay for the others', async () => {
    const gone = await record(1 * DAY);
    const other = await subscribe(sub.projectId);
    const kept = await record(1 * DAY, 'kept', other);
    await finishAll(1 * DAY, { kind: 'succeeded' });
    await s.subscriptions.delete(sub.id, 2 * DAY);
    expect((await s.events.expire(10 * DAY, 0, 100)).expired).toBe(2);
    expect(await keysOf(sub.id)).toEqual([]);
    expect(await keysOf(other.id)).toEqual([`SEEN:${kept.dedupeKey}`]);
    expect(await rawRows(t.db.url, 'event_payloads')).toEqual([]);
    expect(await s.events.get(sub.projectId, gone.id)).toBeNull();
  });

  it('a deleted project takes its deleted subscriptions along', async () => {
    await markers(sub, 1, 1 * DAY);
    await s.subscriptions.delete(sub.id, 2 * DAY);
    expect(await rawRows(t.db.url, 'deleted_subscriptions')).toHaveLength(1);
    await s.projects.delete(sub.projectId);
    expect(await rawRows(t.db.url, 'deleted_subscriptions')).toEqual([]);
    expect(await rawRows(t.db.url, 'events')).toEqual([]);
  });

  it('the cleanup pass leaves recently deleted subscriptions alone and then deletes all their markers', async () => {
    await markers(sub, 5, 1 * DAY);
    const other = await subscribe(sub.projectId);
    await markers(other, 2, 1 * DAY);
    let clock = 2 * DAY;
    await s.subscriptions.delete(sub.id, clock);
    await s.subscriptions.delete(other.id, clock + 1);
    const cleanup = new DeletedSubscriptionsCleanup({ storage: s, logger: silent, now: () => clock, batch: 2 });
    clock += DELETED_SUBSCRIPTIONS_GRACE_MS;
    expect(await cleanup.runOnce()).toBe(0); // sub was deleted exactly the grace period ago: not yet
    clock += 1;
    expect(await cleanup.runOnce()).toBe(5);
    clock += 1;
    expect(await cleanup.runOnce()).toBe(2);
    expect(await rawRows(t.db.url, 'events')).toEqual([]);
    expect(await rawRows(t.db.url, 'deleted_subscriptions')).toEqual([]);
    await cleanup.stop();
  });

  it('waits twice a delivery attempt\'s lease when that is longer than the grace period', async () => {
    await markers(sub, 1, 1 * DAY);
    let clock = 2 * DAY;
    await s.subscriptions.delete(sub.id, clock);
    const lease = 20 * 60_000; // a 10-minute delivery timeout
    const cleanup = new DeletedSubscriptionsCleanup({ storage: s, logger: silent, now: () => clock, deliveryLeaseMs: lease });
    clock += DELETED_SUBSCRIPTIONS_GRACE_MS + 1;
    expect(await cleanup.runOnce()).toBe(0);
    clock = 2 * DAY + 2 * lease + 1;
    expect(await cleanup.runOnce()).toBe(1);
    await cleanup.stop();
  });

  it.runIf(dialect === 'postgres')('workers of two processes clean up different deleted subscriptions at once (PostgreSQL)', async () => {
    const other = await subscribe(sub.projectId);
    await markers(sub, 2, 1 * DAY);
    await markers(other, 2, 1 * DAY);
    await s.subscriptions.delete(sub.id, 2 * DAY);
    await s.subscriptions.delete(other.id, 2 * DAY + 1);
    const second = await openStorage(t.db.url, t.keyring);
    try {
      // The first process holds the longest-deleted subscription in an open transaction…
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let took!: () => void;
      const taken = new Promise<void>((resolve) => (took = resolve));
      const first = s.transaction(async (tx) => {
        const r = await tx.events.purgeDeletedSubscription(3 * DAY, 10);
        took();
        await gate;
        return r;
      });
      await taken;
      // …so the second takes the other one instead of waiting for it.
      expect(await second.events.purgeDeletedSubscription(3 * DAY, 10)).toEqual({ markers: 2, erased: 0, more: true });
      expect(await keysOf(other.id)).toEqual([]);
      expect(await keysOf(sub.id)).toHaveLength(2); // not committed yet
      release();
      expect(await first).toEqual({ markers: 2, erased: 0, more: true });
      expect(await rawRows(t.db.url, 'deleted_subscriptions')).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
