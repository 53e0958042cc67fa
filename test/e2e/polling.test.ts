// The polling engine against a fake provider over real HTTP, on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAndAdvance } from '../../src/engine/detected-events.js';
import { Poller, MAX_CONSECUTIVE_POLL_FAILURES, POLL_LEASE_MS } from '../../src/engine/poller.js';
import type { Storage } from '../../src/storage/port.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS, rawRows } from '../helpers/databases.js';
import { startTestkitWorld, type TestkitWorld } from '../helpers/testkit-setup.js';

const INTERVAL_MS = 60_000;

describe.each(DIALECTS)('polling engine on %s', (dialect) => {
  let w: TestkitWorld;
  let clock: TestClock;
  let poller: Poller;
  let base: string;

  const makePoller = (storage?: Storage) =>
    new Poller(storage ? { ...w.t.svc.deps, storage } : w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
  const subscribe = async (parameters: Record<string, unknown> = { folder: 'inbox' }) => {
    const r = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters });
    expect(r.status, r.text).toBe(200);
    return r.body.id as string;
  };
  const add = (id: string, createdAt: number, extra: Partial<{ priority: number; title: string; folder: string }> = {}) =>
    w.provider.items.push({ id, folder: 'inbox', title: id, priority: 1, createdAt, ...extra });
  const eventKeys = async (subscriptionId?: string) => {
    const r = await w.t.admin.get(`/admin/v1/projects/${w.project.id}/events?limit=500${subscriptionId ? `&subscriptionId=${subscriptionId}` : ''}`);
    return (r.body.events as Array<{ payload: { id: string } }>).map((e) => e.payload.id).sort();
  };
  const nextPoll = () => {
    clock.advance(INTERVAL_MS * 1.2);
    return poller.runDue();
  };

  beforeEach(async () => {
    clock = new TestClock();
    w = await startTestkitWorld(dialect, { now: clock.now });
    base = `/projects/${w.project.id}`;
    add('old-1', 1000);
    add('old-2', 3000);
    add('old-3', 3000);
    poller = makePoller();
  });
  afterEach(async () => {
    await poller.stop();
    await w.close();
  });

  it('emits each new item once per subscription; a second poll emits nothing', async () => {
    const id = await subscribe();
    expect(await poller.runDue()).toBe(0); // not due yet: the baseline poll just ran
    add('new-1', 5000);
    add('new-2', 6000);
    expect(await nextPoll()).toBe(1);
    expect(await eventKeys(id)).toEqual(['new-1', 'new-2']);
    await nextPoll();
    expect(await eventKeys(id)).toEqual(['new-1', 'new-2']);
    // Another subscription to the same folder gets its own copy of later items.
    const other = await subscribe();
    add('new-3', 7000);
    await nextPoll();
    expect(await eventKeys(other)).toEqual(['new-3']);
    expect(await eventKeys(id)).toEqual(['new-1', 'new-2', 'new-3']);
  });

  it('an operator can make the next poll due now (admin sync); webhook-only triggers answer 409', async () => {
    const id = await subscribe();
    add('new-1', 5000);
    expect(await poller.runDue()).toBe(0); // not due for another interval
    const admin = `/admin/v1/projects/${w.project.id}/subscriptions`;
    const r = await w.t.admin.post(`${admin}/${id}/sync`, {});
    expect(r.status, r.text).toBe(202);
    expect(r.body).toEqual({ dueAt: new Date(clock.now()).toISOString(), sync: true, registrationCheck: false });
    expect(await poller.runDue()).toBe(1);
    expect(await eventKeys(id)).toEqual(['new-1']);
    const logs = (await w.t.admin.get(`${admin}/${id}/logs`)).body.logs as Array<{ message: string }>;
    expect(logs.map((l) => l.message)).toContain('sync requested by an operator');

    const hook = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_HOOK_EVENT', parameters: { folder: 'inbox' } });
    expect(hook.status, hook.text).toBe(200);
    const refused = await w.t.admin.post(`${admin}/${hook.body.id}/sync`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CONFLICT', message: "this subscription cannot be synced: its events arrive only through the provider's webhooks" });
    expect((await w.t.admin.post(`${admin}/${crypto.randomUUID()}/sync`, {})).status).toBe(404);
  });

  it('handles items that share the cursor timestamp', async () => {
    const id = await subscribe();
    // Same instant as the newest baseline item: the overlapping re-read must still emit it, and only it.
    add('same-time', 3000);
    await nextPoll();
    expect(await eventKeys(id)).toEqual(['same-time']);
  });

  it('loses nothing when items arrive between page requests, and tolerates unsorted pages', async () => {
    const id = await subscribe();
    add('a', 4000);
    add('b', 4000);
    add('c', 4001);
    let injected = false;
    w.provider.beforeItemsPage = (page) => {
      if (page === 1 && !injected) {
        injected = true;
        add('late', 4002);
      }
    };
    w.provider.unsorted = true;
    await nextPoll();
    await nextPoll();
    expect(await eventKeys(id)).toEqual(['a', 'b', 'c', 'late']);
  });

  it('records nothing from a poll that was in flight when its subscription was deleted', async () => {
    const id = await subscribe();
    add('new-1', 5000);
    w.provider.beforeItemsPage = async () => {
      w.provider.beforeItemsPage = undefined;
      expect((await w.user.delete(`${base}/trigger-subscriptions/${id}`)).status).toBe(200);
    };
    await nextPoll();
    const rows = await rawRows(w.t.db.url, 'events');
    expect(rows.filter((e: any) => e.subscription_id === id).map((e: any) => e.status)).toEqual(['SEEN', 'SEEN', 'SEEN']); // the baseline only
    expect(await rawRows(w.t.db.url, 'deliveries')).toEqual([]);
  });

  it('a sync that advances source state stores nothing for a subscription deleted meanwhile', async () => {
    const id = await subscribe();
    const storage = w.t.svc.storage;
    const sub = (await storage.subscriptions.get(id))!;
    await storage.subscriptions.delete(id, clock.now());
    const events = [{ subscription: sub, dedupeKey: 'late', payload: { id: 'late' } }];
    expect(await recordAndAdvance(storage, sub, events, { cursor: 'next' }, clock.now())).toEqual({ stored: 0, advanced: false });
    expect((await rawRows(w.t.db.url, 'events')).filter((e: any) => e.dedupe_key === 'late')).toEqual([]);
    // A live one whose state moved meanwhile keeps its events; only the position is not saved.
    const live = (await storage.subscriptions.get(await subscribe()))!;
    await storage.subscriptions.update(live.id, { state: { cursor: 'moved' } });
    expect(await recordAndAdvance(storage, live, [{ subscription: live, dedupeKey: 'kept', payload: { id: 'kept' } }], { cursor: 'next' }, clock.now())).toEqual({ stored: 1, advanced: false });
  });

  it('commits nothing when it crashes between fetch and commit, and emits everything once afterwards', async () => {
    const id = await subscribe();
    add('n1', 5000);
    add('n2', 5001);
    const storage = w.t.svc.storage;
    let failOnce = true;
    const crashing: Storage = {
      ...storage,
      transaction: async (fn) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('simulated crash before commit');
        }
        return storage.transaction(fn);
      },
    };
    const crashingPoller = makePoller(crashing);
    clock.advance(INTERVAL_MS * 1.2);
    await crashingPoller.runDue();
    expect(await eventKeys(id)).toEqual([]);
    clock.advance(POLL_LEASE_MS + INTERVAL_MS * 3);
    await poller.runDue();
    expect(await eventKeys(id)).toEqual(['n1', 'n2']);
    await nextPoll();
    expect(await eventKeys(id)).toEqual(['n1', 'n2']);
  });

  it('applies CONDITIONAL and other parameter filters', async () => {
    const id = await subscribe({
      folder: 'inbox',
      minPriority: 2,
      filter: { operator: 'AND', conditions: [{ field: 'title', operator: '$stringContains', value: 'urgent' }] },
    });
    add('p1-urgent', 5000, { priority: 1, title: 'urgent but low' });
    add('p3-urgent', 5001, { priority: 3, title: 'urgent thing' });
    add('p3-calm', 5002, { priority: 3, title: 'calm thing' });
    await nextPoll();
    expect(await eventKeys(id)).toEqual(['p3-urgent']);
  });

  it('slows the credential down on 429 with Retry-After, without an error', async () => {
    const id = await subscribe();
    w.provider.failNext(1, 429, { 'retry-after': '600' });
    add('n1', 5000);
    await nextPoll();
    const sub = await w.t.svc.storage.subscriptions.get(id);
    expect(sub).toMatchObject({ status: 'ACTIVE', error: null, consecutiveFailures: 0 });
    const cred = await w.t.svc.storage.credentials.get(w.credentialId);
    expect(cred?.rateLimitedUntil).toBe(clock.now() + 600_000);
    const before = w.provider.requests.length;
    await nextPoll(); // 72 s later: still paused, the provider is not called
    expect(w.provider.requests.length).toBe(before);
    clock.advance(600_000);
    await poller.runDue();
    expect(await eventKeys(id)).toEqual(['n1']);
  });

  it('turns ERRORED after repeated failures with the last error, and recovers by itself', async () => {
    const id = await subscribe();
    for (let i = 0; i < MAX_CONSECUTIVE_POLL_FAILURES; i++) {
      w.provider.failNext(1, 500);
      clock.advance(24 * 60 * 60_000);
      await poller.runDue();
    }
    const errored = await w.t.svc.storage.subscriptions.get(id);
    expect(errored?.status).toBe('ERRORED');
    expect(errored?.error).toContain(`polling failed ${MAX_CONSECUTIVE_POLL_FAILURES} times in a row`);
    expect(errored?.error).toContain('HTTP 500');
    const viaApi = await w.user.get(`${base}/trigger-subscriptions/${id}`);
    expect(viaApi.body).toMatchObject({ status: 'ERRORED', error: errored?.error });
    // Items found while ERRORED are held, and delivered once polling recovers.
    add('during', 9000);
    clock.advance(24 * 60 * 60_000);
    await poller.runDue();
    expect((await w.t.svc.storage.subscriptions.get(id))?.status).toBe('ACTIVE');
    expect(await eventKeys(id)).toEqual(['during']);
  });

  it('marks the credential invalid when the provider refuses it and no refresh can help', async () => {
    const id = await subscribe();
    w.provider.validTokens.clear();
    await nextPoll();
    const cred = await w.t.svc.storage.credentials.get(w.credentialId);
    expect(cred?.status).toBe('INVALID');
    const sub = await w.user.get(`${base}/trigger-subscriptions/${id}`);
    expect(sub.body.status).toBe('ERRORED');
    expect(sub.body.error).toContain('reconnect');
  });

  it('polls each subscription in one place at a time when several pollers run', async () => {
    w.provider.pageSize = 10;
    const ids = [await subscribe(), await subscribe(), await subscribe()];
    add('n1', 5000);
    const before = w.provider.requests.filter((r) => r.path.startsWith('/items')).length;
    clock.advance(INTERVAL_MS * 1.2);
    const second = makePoller();
    const [a, b] = await Promise.all([poller.runDue(), second.runDue()]);
    expect(a + b).toBe(3);
    const after = w.provider.requests.filter((r) => r.path.startsWith('/items')).length;
    expect(after - before).toBe(3); // one request per subscription (one page each)
    for (const id of ids) expect(await eventKeys(id)).toEqual(['n1']);
    await second.stop();
  });
});
