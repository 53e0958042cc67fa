// The write path of inbound events: group commit, handing deliveries to the local worker, and the
// indexes queries must be able to use. Same behaviour on SQLite and PostgreSQL.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimedDelivery, LocalDeliveryWorker, Storage, Subscription } from '../../src/storage/port.js';
import { DIALECTS, openTestStorage, rawRows } from '../helpers/databases.js';

/** The statements `fn` sends to PostgreSQL, each as its first words in lower case. */
async function statementsSentBy(fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back below, and always called with a client as `this`
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | undefined)?.text;
    if (typeof text === 'string') sent.push(text.trim().toLowerCase().split(/\s+/).slice(0, 3).join(' '));
    return (query as (...args: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof query;
  try {
    await fn();
  } finally {
    pg.Client.prototype.query = query;
  }
  return sent;
}

/** The statements that write, without the NOTIFY that follows them without being waited for. */
const writesSentBy = (sent: string[]) => sent.filter((text) => text !== 'select pg_notify($1, $2)');

describe.each(DIALECTS)('storage hot path on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestStorage>>;
  let s: Storage;
  beforeEach(async () => {
    t = await openTestStorage(dialect);
    s = t.storage;
  });
  afterEach(async () => {
    await t.close();
  });

  async function subscription(userId = 'user-1', overrides: Partial<Subscription> = {}): Promise<Subscription> {
    const project = (await s.projects.list())[0] ?? (await s.projects.create({ name: 'p', webhookUrl: 'https://example.com/hook', signingSecret: 'whsec_x' }));
    await s.users.touch(project.id, userId);
    return s.subscriptions.create({
      projectId: project.id, userId, credentialId: null, integration: 'github', triggerType: 'GITHUB_TRIGGER_PUSH',
      parameters: {}, webhookOverride: null, status: 'ACTIVE', error: null, state: {}, secret: null,
      nextPollAt: null, renewAt: null, ...overrides,
    });
  }

  /** A LocalDeliveryWorker that records what storage hands it. */
  function fakeWorker(room: number): LocalDeliveryWorker & { taken: ClaimedDelivery[] } {
    const taken: ClaimedDelivery[] = [];
    return { owner: 'local-1', leaseMs: 30_000, taken, room: () => room - taken.length, take: (c) => taken.push(...c) };
  }

  it('group-commits concurrent calls: each learns only its own new events, a repeated key is stored once', async () => {
    const a = await subscription('user-a');
    const b = await subscription('user-b');
    const results = await Promise.all([
      s.events.record([{ subscription: a, dedupeKey: 'a1', payload: { n: 1 } }, { subscription: a, dedupeKey: 'a2', payload: { n: 2 } }], 1000),
      s.events.record([{ subscription: b, dedupeKey: 'b1', payload: { n: 3 } }], 1001),
      s.events.record([{ subscription: a, dedupeKey: 'a1', payload: { n: 1 } }], 1002), // the provider's retry, concurrently
      s.events.record([{ subscription: a, dedupeKey: 'a3', payload: { n: 4 } }], 1003),
    ]);
    expect(results.map((r) => r.map((e) => e.dedupeKey))).toEqual([['a1', 'a2'], ['b1'], [], ['a3']]);
    expect(results[1][0]).toMatchObject({ subscriptionId: b.id, userId: 'user-b', payload: { n: 3 }, dateReceived: 1001, status: 'PENDING' });
    const stored = await s.events.list({ projectId: a.projectId, limit: 10 });
    expect(stored.map((e) => e.dedupeKey).sort()).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(new Set(stored.map((e) => e.seq)).size).toBe(4);
    const claimed = await s.deliveries.claimDue(5000, 65000, 'w1', 10);
    expect(claimed).toHaveLength(4);
    expect((await s.subscriptions.get(a.id))?.dateLastReceivedEvent).toBe(1003);
  });

  it('a failing call does not fail the calls that shared its transaction', async () => {
    const a = await subscription('user-a');
    const results = await Promise.allSettled([
      s.events.record([{ subscription: a, dedupeKey: 'ok-1', payload: {} }], 1000),
      // A payload that cannot be stored (JSON has no BigInt): this call's rows fail.
      s.events.record([{ subscription: a, dedupeKey: 'bad', payload: { n: 1n } }], 1000),
      s.events.record([{ subscription: a, dedupeKey: 'ok-2', payload: {} }], 1000),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await s.events.list({ projectId: a.projectId, limit: 10 })).map((e) => e.dedupeKey).sort()).toEqual(['ok-1', 'ok-2']);
  });

  it('records outcomes and new events submitted together; a failing record does not fail the outcomes beside it', async () => {
    const a = await subscription('user-a', { webhookOverride: { url: 'https://override.example/hook' } });
    const worker = fakeWorker(1);
    const detach = s.attachLocalWorker(worker);
    const queued: number[] = [];
    const offQueued = s.onDeliveriesQueued(() => queued.push(1));
    await s.events.record([{ subscription: a, dedupeKey: 'sent', payload: { n: 1 } }], 1000);
    const [sent] = worker.taken;
    expect(sent?.payloadJson).toBe('{"n":1}');
    detach();

    const attempt = { startedAt: 1500, url: 'https://override.example/hook', statusCode: 200, latencyMs: 3, responseExcerpt: 'ok', error: null, outcome: 'succeeded' as const };
    const results = await Promise.allSettled([
      s.deliveries.complete([{ claimed: sent!.delivery, attempt, next: { kind: 'succeeded' } }], 1600),
      s.events.record([{ subscription: a, dedupeKey: 'bad', payload: { n: 1n } }], 1600),
      s.events.record([{ subscription: a, dedupeKey: 'new', payload: { n: 2 } }], 1600),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const events = await s.events.list({ projectId: a.projectId, limit: 10 });
    expect(events.map((e) => [e.dedupeKey, e.status, e.payload])).toEqual([['new', 'PENDING', { n: 2 }], ['sent', 'DELIVERED', { n: 1 }]]);
    expect(await s.attempts.listForEvent(sent!.event.id)).toMatchObject([{ statusCode: 200, outcome: 'succeeded', attemptNumber: 1 }]);
    // The new event's delivery was not handed over (no worker attached): workers were told after the commit.
    expect(queued.length).toBeGreaterThan(0);
    expect((await s.deliveries.claimDue(1600, 61_600, 'other', 10)).map((c) => c.event.dedupeKey)).toEqual(['new']);
    offQueued();
  });

  it('leases new deliveries to the attached local worker in the insert, after the commit, up to its room', async () => {
    const a = await subscription('user-a', { webhookOverride: { url: 'https://override.example/hook' } });
    const worker = fakeWorker(2);
    const detach = s.attachLocalWorker(worker);
    const queued: number[] = [];
    const stored: number[] = [];
    const offQueued = s.onDeliveriesQueued(() => queued.push(1));
    const offStored = s.onEventsStored(() => stored.push(1));

    await s.events.record([{ subscription: a, dedupeKey: 'k1', payload: { n: 1 } }, { subscription: a, dedupeKey: 'k2', payload: { n: 2 } }], 1000);
    expect(worker.taken.map((c) => c.event.dedupeKey)).toEqual(['k1', 'k2']);
    expect(worker.taken[0]).toMatchObject({
      delivery: { status: 'SENDING', leaseOwner: 'local-1', runAt: 31_000, attemptCount: 0 },
      event: { payload: { n: 1 }, status: 'PENDING' },
      subscription: { id: a.id, status: 'ACTIVE', webhookOverride: { url: 'https://override.example/hook' } },
    });
    expect((await s.deliveries.listForEvent(worker.taken[0]!.event.id))[0]).toMatchObject({ status: 'SENDING', leaseOwner: 'local-1', runAt: 31_000 });
    // Nothing for a claim to find until the lease runs out (a crashed worker's deliveries come back by themselves).
    expect(await s.deliveries.claimDue(30_999, 90_000, 'other', 10)).toHaveLength(0);
    expect(queued).toEqual([]);
    expect(stored.length).toBeGreaterThan(0);

    // No room left: queued for a claim as usual, and workers are told.
    await s.events.record([{ subscription: a, dedupeKey: 'k3', payload: {} }], 2000);
    expect(worker.taken).toHaveLength(2);
    expect(queued.length).toBeGreaterThan(0);
    expect((await s.deliveries.claimDue(2000, 62_000, 'other', 10)).map((c) => c.event.dedupeKey)).toEqual(['k3']);
    expect((await s.deliveries.claimDue(31_000, 91_000, 'other', 10)).map((c) => c.event.dedupeKey).sort()).toEqual(['k1', 'k2']);

    detach();
    offQueued();
    offStored();
  });

  it('hands nothing over inside a caller transaction, for held events, or once the worker is detached', async () => {
    const a = await subscription('user-a');
    const errored = await subscription('user-b', { status: 'ERRORED' });
    const worker = fakeWorker(100);
    const detach = s.attachLocalWorker(worker);
    await s.transaction((tx) => tx.events.record([{ subscription: a, dedupeKey: 'in-tx', payload: {} }], 1000));
    await s.events.record([{ subscription: errored, dedupeKey: 'held', payload: {} }], 1000);
    detach();
    await s.events.record([{ subscription: a, dedupeKey: 'after', payload: {} }], 1000);
    expect(worker.taken).toEqual([]);
    expect((await s.deliveries.claimDue(1000, 61_000, 'w', 10)).map((c) => c.event.dedupeKey).sort()).toEqual(['after', 'in-tx']);
    expect(await s.deliveries.countByStatus()).toEqual({ SENDING: 2, HELD: 1 });
  });

  it('lists events by status, including the statuses outside the partial index', async () => {
    const a = await subscription('user-a');
    await s.events.record(['d', 'f', 'p'].map((k) => ({ subscription: a, dedupeKey: k, payload: {} })), 1000);
    const claimed = await s.deliveries.claimDue(1000, 61_000, 'w', 10);
    const byKey = new Map(claimed.map((c) => [c.event.dedupeKey, c.delivery]));
    const attempt = (outcome: 'succeeded' | 'failed') => ({ startedAt: 1000, url: 'u', statusCode: 200, latencyMs: 1, responseExcerpt: null, error: null, outcome });
    await s.deliveries.complete([
      { claimed: byKey.get('d')!, attempt: attempt('succeeded'), next: { kind: 'succeeded' } },
      { claimed: byKey.get('f')!, attempt: attempt('failed'), next: { kind: 'failed', reason: 'gone' } },
      { claimed: byKey.get('p')!, next: { kind: 'retry', runAt: 5000 } },
    ], 2000);
    const keys = async (status: 'DELIVERED' | 'FAILED' | 'PENDING') => (await s.events.list({ projectId: a.projectId, status, limit: 10 })).map((e) => e.dedupeKey);
    expect([await keys('DELIVERED'), await keys('FAILED'), await keys('PENDING')]).toEqual([['d'], ['f'], ['p']]);
    expect(await s.deliveries.redeliverFailed(a.projectId, { subscriptionId: a.id }, 3000)).toBe(1);
  });

  it('gives new rows time-ordered UUIDv7 ids', async () => {
    const a = await subscription('user-a');
    const events = await s.events.record(Array.from({ length: 5 }, (_, i) => ({ subscription: a, dedupeKey: `k${i}`, payload: {} })), 1000);
    for (const e of events) expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(events[0]!.id.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
    expect((await rawRows(t.db.url, 'deliveries')).length).toBe(5);
  });

  it.runIf(dialect === 'postgres')('sends a write group that is one statement without BEGIN and COMMIT: the round trips of ADR 0021 and 0023', async () => {
    const a = await subscription('user-a');
    const items = [1, 2, 3].map((n) => ({ subscription: a, dedupeKey: `k${n}`, payload: { n } }));
    // The insert takes the event-order lock itself and is a transaction of its own. The NOTIFY for other
    // processes is sent without holding up the write (checked below), so it may or may not be seen here.
    expect(writesSentBy(await statementsSentBy(() => s.events.record(items, 1000)))).toEqual(['with turn as']);
    const claimed = await s.deliveries.claimDue(5000, 65000, 'w1', 10);
    expect(claimed).toHaveLength(3);
    const attempt = { startedAt: 5000, url: 'https://example.com/hook', statusCode: 200, latencyMs: 3, responseExcerpt: 'ok', error: null, outcome: 'succeeded' as const };
    const outcomes = claimed.map((c) => ({ claimed: c.delivery, attempt, next: { kind: 'succeeded' as const } }));
    // Attempts, delivery moves and delivered events in one statement; nothing became due, so no NOTIFY.
    expect(await statementsSentBy(() => s.deliveries.complete(outcomes, 5100))).toEqual(['with a as']);
    expect((await s.events.list({ projectId: a.projectId, limit: 10 })).map((e) => e.status)).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED']);
  });

  it.runIf(dialect === 'postgres')('wraps a write group of several statements in one transaction', async () => {
    const a = await subscription('user-a');
    // 201 events: two chunks of the insert (200 rows each at most), which must commit together.
    const items = Array.from({ length: 201 }, (_, n) => ({ subscription: a, dedupeKey: `k${n}`, payload: { n } }));
    expect(writesSentBy(await statementsSentBy(() => s.events.record(items, 1000)))).toEqual(['begin', 'with turn as', 'with turn as', 'commit']);
    const [first, second] = await s.deliveries.claimDue(5000, 65000, 'w1', 2);
    const attempt = { startedAt: 5000, url: 'https://example.com/hook', statusCode: 410, latencyMs: 3, responseExcerpt: 'gone', error: null, outcome: 'failed' as const };
    // A failed delivery fails its event and its subscription too: statements that follow the outcomes'.
    const sent = await statementsSentBy(() =>
      s.deliveries.complete([
        { claimed: first!.delivery, attempt, next: { kind: 'failed', reason: 'the receiver answered 410 Gone' } },
        { claimed: second!.delivery, next: { kind: 'retry', runAt: 9000 } },
      ], 5100),
    );
    expect(sent[0]).toBe('begin');
    expect(sent.at(-1)).toBe('commit');
    expect(sent.length).toBeGreaterThan(3);
    expect((await s.subscriptions.get(a.id))?.status).toBe('ERRORED');
  });

  it('reads a subscription with its credential for an inbound webhook; inbound reads in one turn share one statement on PostgreSQL', async () => {
    const project = (await s.projects.list())[0] ?? (await s.projects.create({ name: 'p', webhookUrl: 'https://example.com/hook', signingSecret: 'whsec_x' }));
    await s.users.touch(project.id, 'user-a');
    const credential = await s.credentials.create({
      projectId: project.id, userId: 'user-a', integration: 'github', providerAccountId: 'acct-1',
      secrets: { accessToken: 'gho_secret' }, expiresAt: null,
    });
    const a = await subscription('user-a', { credentialId: credential.id, parameters: { repo: 'a' }, secret: 'hook-secret-a' });
    const b = await subscription('user-a', { parameters: { repo: 'b' } });
    let read: Awaited<ReturnType<Storage['subscriptions']['getWithCredential']>>[] = [];
    const sent = await statementsSentBy(async () => {
      read = await Promise.all([a.id, b.id, a.id, 'no-such-subscription'].map((id) => s.subscriptions.getWithCredential(id)));
    });
    const [ra, rb, ra2, missing] = read;
    if (dialect === 'postgres') expect(sent).toHaveLength(1);
    expect(ra?.subscription).toMatchObject({ id: a.id, parameters: { repo: 'a' }, secret: 'hook-secret-a' });
    expect(ra?.credential).toMatchObject({ id: credential.id, secrets: { accessToken: 'gho_secret' } });
    expect(rb).toMatchObject({ subscription: { id: b.id, parameters: { repo: 'b' } }, credential: null });
    expect(missing).toBeNull();
    // Callers asking for the same subscription get objects of their own.
    expect(ra2).toEqual(ra);
    expect(ra2!.subscription).not.toBe(ra!.subscription);
    expect(ra2!.subscription.parameters).not.toBe(ra!.subscription.parameters);
  });

  it.runIf(dialect === 'postgres')('tells other processes of new events with a NOTIFY after the write', async () => {
    const a = await subscription('user-a');
    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    try {
      await listener.query('LISTEN opentriggers_deliveries');
      const heard = new Promise<string | undefined>((resolve) => listener.once('notification', (msg) => resolve(msg.payload)));
      await s.events.record([{ subscription: a, dedupeKey: 'k1', payload: { n: 1 } }], 1000);
      // No worker took the delivery in this store: it is due, for any process ('d').
      expect(await heard).toMatch(/^[0-9a-f-]{36}:d$/);
    } finally {
      await listener.end();
    }
  });
});
