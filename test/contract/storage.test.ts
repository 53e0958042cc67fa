// The storage contract: the same behaviour on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, Subscription } from '../../src/storage/port.js';
import { DIALECTS, openTestStorage, rawRows } from '../helpers/databases.js';

describe.each(DIALECTS)('storage contract on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestStorage>>;
  let s: Storage;
  beforeEach(async () => {
    t = await openTestStorage(dialect);
    s = t.storage;
  });
  afterEach(async () => {
    await t.close();
  });

  async function subscription(overrides: Partial<Subscription> = {}): Promise<Subscription> {
    const project = await s.projects.create({ name: 'p', webhookUrl: 'https://example.com/hook', signingSecret: 'whsec_x' });
    await s.users.touch(project.id, 'user-1');
    return s.subscriptions.create({
      projectId: project.id, userId: 'user-1', credentialId: null, integration: 'github', triggerType: 'GITHUB_TRIGGER_PUSH',
      parameters: { owner: 'o' }, webhookOverride: null, status: 'ACTIVE', error: null, state: {}, secret: 'inbound-secret',
      nextPollAt: null, renewAt: null, ...overrides,
    });
  }

  it('round-trips a project and keeps its signing secret sealed at rest', async () => {
    const p = await s.projects.create({ name: 'Acme', webhookUrl: null, signingSecret: 'whsec_topsecret' });
    expect((await s.projects.get(p.id))?.signingSecret).toBe('whsec_topsecret');
    const raw = await rawRows(t.db.url, 'projects');
    expect(JSON.stringify(raw)).not.toContain('topsecret');
    const updated = await s.projects.update(p.id, { name: 'Acme 2', previousSigningSecret: 'whsec_old', previousSecretExpiresAt: 5 });
    expect(updated).toMatchObject({ name: 'Acme 2', previousSigningSecret: 'whsec_old', previousSecretExpiresAt: 5 });
    expect(await s.projects.list()).toHaveLength(1);
    expect(await s.projects.delete(p.id)).toBe(true);
    expect(await s.projects.get(p.id)).toBeNull();
  });

  it('deletes a project with its events, their payloads and deliveries, and nothing of another project', async () => {
    const keep = await s.projects.create({ name: 'keep', webhookUrl: null, signingSecret: 'whsec_k' });
    const gone = await s.projects.create({ name: 'gone', webhookUrl: null, signingSecret: 'whsec_g' });
    for (const p of [keep, gone]) {
      await s.users.touch(p.id, 'user-1');
      const sub = await s.subscriptions.create({
        projectId: p.id, userId: 'user-1', credentialId: null, integration: 'github', triggerType: 'GITHUB_TRIGGER_PUSH',
        parameters: {}, webhookOverride: null, status: 'ACTIVE', error: null, state: {}, secret: null, nextPollAt: null, renewAt: null,
      });
      await s.events.record([{ subscription: sub, dedupeKey: 'a', payload: { project: p.name } }, { subscription: sub, dedupeKey: 'b', payload: {} }], 1000);
    }
    expect(await rawRows(t.db.url, 'event_payloads')).toHaveLength(4);
    expect(await s.projects.delete(gone.id)).toBe(true);
    expect(await rawRows(t.db.url, 'event_payloads')).toHaveLength(2);
    expect(await rawRows(t.db.url, 'events')).toHaveLength(2);
    expect(await rawRows(t.db.url, 'deliveries')).toHaveLength(2);
    expect((await s.events.list({ projectId: keep.id, limit: 10 })).map((e) => e.payload)).toEqual([{}, { project: 'keep' }]);
  });

  it('stores credentials encrypted with the key id and finds them by provider account', async () => {
    const p = await s.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
    const c = await s.credentials.create({
      projectId: p.id, userId: 'u', integration: 'slack', providerAccountId: 'T123',
      secrets: { accessToken: 'xoxb-very-secret' }, expiresAt: null,
    });
    expect(c.keyId).toBe(t.keyring.currentKeyId);
    expect(JSON.stringify(await rawRows(t.db.url, 'credentials'))).not.toContain('xoxb-very-secret');
    expect((await s.credentials.findByProviderAccount(p.id, 'slack', 'T123')).map((x) => x.id)).toEqual([c.id]);
    expect(await s.credentials.tryLockRefresh(c.id, 1000, 2000)).toBe(true);
    expect(await s.credentials.tryLockRefresh(c.id, 1500, 2500)).toBe(false);
    expect(await s.credentials.tryLockRefresh(c.id, 2001, 3000)).toBe(true);
  });

  it('reads a subscription with its credential in one call: opened secrets, none, or one since deleted', async () => {
    const none = await subscription();
    expect(await s.subscriptions.getWithCredential(none.id)).toEqual({ subscription: none, credential: null });
    const c = await s.credentials.create({
      projectId: none.projectId, userId: 'user-1', integration: 'github', providerAccountId: 'acct-9',
      secrets: { accessToken: 'gho_secret', extra: { org: 'acme' } }, expiresAt: 123,
    });
    const withCredential = await s.subscriptions.create({ ...none, id: undefined, credentialId: c.id, parameters: { owner: 'b' } });
    const found = await s.subscriptions.getWithCredential(withCredential.id);
    expect(found?.subscription).toEqual(withCredential);
    expect(found?.credential).toEqual(await s.credentials.get(c.id));
    expect(found?.credential).toMatchObject({ id: c.id, providerAccountId: 'acct-9', secrets: { accessToken: 'gho_secret', extra: { org: 'acme' } }, expiresAt: 123 });
    await s.credentials.delete(c.id);
    expect((await s.subscriptions.getWithCredential(withCredential.id))?.credential).toBeNull();
    expect(await s.subscriptions.getWithCredential('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('records an event once per dedupe key, with its delivery in the same call', async () => {
    const sub = await subscription();
    const first = await s.events.record([{ subscription: sub, dedupeKey: 'k1', payload: { a: 1 } }, { subscription: sub, dedupeKey: 'k2', payload: { a: 2 } }], 1000);
    expect(first.map((e) => e.dedupeKey)).toEqual(['k1', 'k2']);
    const again = await s.events.record([{ subscription: sub, dedupeKey: 'k1', payload: { a: 1 } }], 2000);
    expect(again).toEqual([]);
    const claimed = await s.deliveries.claimDue(5000, 65000, 'w1', 10);
    expect(claimed.map((c) => c.event.dedupeKey).sort()).toEqual(['k1', 'k2']);
    expect(claimed[0]?.event.payload).toEqual({ a: claimed[0]?.event.dedupeKey === 'k1' ? 1 : 2 });
    expect((await s.subscriptions.get(sub.id))?.dateLastReceivedEvent).toBe(1000);
  });

  it('leases a due delivery to one worker until the lease expires', async () => {
    const sub = await subscription();
    await s.events.record([{ subscription: sub, dedupeKey: 'k', payload: {} }], 1000);
    expect(await s.deliveries.claimDue(1000, 31000, 'w1', 10)).toHaveLength(1);
    expect(await s.deliveries.claimDue(2000, 32000, 'w2', 10)).toHaveLength(0);
    const reclaimed = await s.deliveries.claimDue(31001, 61001, 'w2', 10);
    expect(reclaimed).toHaveLength(1);
    expect(reclaimed[0]?.delivery.leaseOwner).toBe('w2');
  });

  it('completes deliveries: retry, success, failure turns the subscription ERRORED', async () => {
    const sub = await subscription();
    const [ev] = await s.events.record([{ subscription: sub, dedupeKey: 'k', payload: {} }], 1000);
    const attempt = { startedAt: 1000, url: 'https://example.com/hook', statusCode: 500, latencyMs: 12, responseExcerpt: 'oops', error: null };
    let [c] = await s.deliveries.claimDue(1000, 31000, 'w1', 10);
    await s.deliveries.complete([{ claimed: c!.delivery, attempt: { ...attempt, outcome: 'retry' }, next: { kind: 'retry', runAt: 6000 } }], 1010);
    expect(await s.deliveries.claimDue(5999, 40000, 'w1', 10)).toHaveLength(0);
    [c] = await s.deliveries.claimDue(6000, 36000, 'w1', 10);
    expect(c?.delivery.attemptCount).toBe(1);
    await s.deliveries.complete([{ claimed: c!.delivery, attempt: { ...attempt, outcome: 'failed' }, next: { kind: 'failed', reason: 'gave up' } }], 6010);
    expect((await s.events.get(sub.projectId, ev!.id))?.status).toBe('FAILED');
    expect(await s.subscriptions.get(sub.id)).toMatchObject({ status: 'ERRORED', error: 'gave up' });
    const attempts = await s.attempts.listForEvent(ev!.id);
    expect(attempts.map((a) => [a.attemptNumber, a.outcome, a.statusCode])).toEqual([[1, 'retry', 500], [2, 'failed', 500]]);
    expect((await s.logs.list(sub.id, 10)).map((l) => l.message)).toEqual(['gave up']);

    // Events detected while ERRORED are held, then released on re-activation.
    const [held] = await s.events.record([{ subscription: { ...sub, status: 'ERRORED' }, dedupeKey: 'k2', payload: {} }], 7000);
    expect(held?.status).toBe('HELD');
    expect(await s.deliveries.claimDue(8000, 38000, 'w1', 10)).toHaveLength(0);
    expect(await s.deliveries.releaseHeld(sub.id, 9000)).toBe(1);
    expect((await s.deliveries.claimDue(9000, 39000, 'w1', 10)).map((x) => x.event.id)).toEqual([held!.id]);

    // Bulk redeliver of failed events creates new deliveries for the same event id.
    expect(await s.deliveries.redeliverFailed(sub.projectId, { subscriptionId: sub.id }, 10000)).toBe(1);
    expect((await s.deliveries.listForEvent(ev!.id))).toHaveLength(2);
  });

  it('ignores a completion from a worker that lost its lease', async () => {
    const sub = await subscription();
    await s.events.record([{ subscription: sub, dedupeKey: 'k', payload: {} }], 1000);
    const [mine] = await s.deliveries.claimDue(1000, 2000, 'w1', 10);
    const [theirs] = await s.deliveries.claimDue(2001, 32001, 'w2', 10);
    await s.deliveries.complete([{ claimed: mine!.delivery, next: { kind: 'succeeded' }, attempt: { startedAt: 1, url: 'u', statusCode: 200, latencyMs: 1, responseExcerpt: null, error: null, outcome: 'succeeded' } }], 2500);
    const [d] = await s.deliveries.listForEvent(theirs!.event.id);
    expect(d).toMatchObject({ status: 'SENDING', leaseOwner: 'w2' });
  });

  it('claims each due poll for one poller at a time', async () => {
    const sub = await subscription({ nextPollAt: 1000 });
    expect((await s.subscriptions.claimDuePolls(1000, 5000, 10)).map((x) => x.id)).toEqual([sub.id]);
    expect(await s.subscriptions.claimDuePolls(2000, 6000, 10)).toHaveLength(0);
    await s.subscriptions.releasePoll(sub.id, 9000);
    expect(await s.subscriptions.claimDuePolls(8999, 12000, 10)).toHaveLength(0);
    expect(await s.subscriptions.claimDuePolls(9000, 12000, 10)).toHaveLength(1);
  });

  it('leases a due renewal to one renewer at a time, and a lost lease cannot finish it', async () => {
    const sub = await subscription({ renewAt: 1000, state: { channel: 'c1' } });
    const later = await subscription({ renewAt: 50_000 });
    const claimed = await s.subscriptions.claimDueRenewals(1000, 5000, 10);
    expect(claimed.map((x) => x.id)).toEqual([sub.id]);
    expect(claimed[0]?.renewAt).toBe(5000);
    // Leased: invisible to other renewers until the lease lapses (a crashed renewer needs no clean-up).
    expect(await s.subscriptions.claimDueRenewals(2000, 6000, 10)).toHaveLength(0);
    const reclaimed = await s.subscriptions.claimDueRenewals(5000, 9000, 10);
    expect(reclaimed.map((x) => x.id)).toEqual([sub.id]);
    // The first renewer's lease was taken over: its result is not applied.
    expect(await s.subscriptions.finishRenewal(sub.id, 5000, { state: { channel: 'stale' }, renewAt: 99_000 })).toBe(false);
    expect(await s.subscriptions.finishRenewal(sub.id, 9000, { state: { channel: 'c2' }, secret: 'new-secret', renewAt: 80_000, consecutiveFailures: 0 })).toBe(true);
    expect(await s.subscriptions.get(sub.id)).toMatchObject({ state: { channel: 'c2' }, secret: 'new-secret', renewAt: 80_000 });
    expect(JSON.stringify(await rawRows(t.db.url, 'subscriptions'))).not.toContain('new-secret');
    expect((await s.subscriptions.claimDueRenewals(60_000, 70_000, 10)).map((x) => x.id)).toEqual([later.id]);
    // `later`'s lease lapsed at 70 000; `sub` is next due at 80 000.
    expect((await s.subscriptions.claimDueRenewals(79_999, 90_000, 10)).map((x) => x.id)).toEqual([later.id]);
    expect((await s.subscriptions.claimDueRenewals(80_000, 90_000, 10)).map((x) => x.id)).toEqual([sub.id]);
  });

  it('replaces a source state only while it is still the one read (compare and set)', async () => {
    const sub = await subscription({ state: { channelId: 'c1', syncToken: 't1' } });
    expect(await s.subscriptions.replaceState(sub.id, { channelId: 'c1', syncToken: 't1' }, { channelId: 'c1', syncToken: 't2' })).toBe(true);
    expect((await s.subscriptions.get(sub.id))!.state).toEqual({ channelId: 'c1', syncToken: 't2' });
    // A renewal replaced the channel meanwhile: a writer that read the old state changes nothing.
    await s.subscriptions.update(sub.id, { state: { channelId: 'c2', syncToken: 't2' } });
    expect(await s.subscriptions.replaceState(sub.id, { channelId: 'c1', syncToken: 't2' }, { channelId: 'c1', syncToken: 't3' })).toBe(false);
    expect((await s.subscriptions.get(sub.id))!.state).toEqual({ channelId: 'c2', syncToken: 't2' });
    expect(await s.subscriptions.replaceState('missing', {}, { a: 1 })).toBe(false);
  });

  it('schedules unscheduled subscriptions of the given trigger types within the spread, and only those', async () => {
    const webhook = await Promise.all(Array.from({ length: 5 }, () => subscription({ triggerType: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED' })));
    const scheduled = await subscription({ triggerType: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED', nextPollAt: 42 });
    const other = await subscription({ triggerType: 'GITHUB_TRIGGER_PUSH' });
    expect(await s.subscriptions.scheduleUnscheduled('poll', ['GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED'], 10_000, 60_000)).toBe(5);
    for (const w of webhook) {
      const at = (await s.subscriptions.get(w.id))!.nextPollAt!;
      expect(at).toBeGreaterThanOrEqual(10_000);
      expect(at).toBeLessThan(70_000);
    }
    expect((await s.subscriptions.get(scheduled.id))!.nextPollAt).toBe(42);
    expect((await s.subscriptions.get(other.id))!.nextPollAt).toBeNull();
    expect(await s.subscriptions.scheduleUnscheduled('poll', ['GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED'], 10_000, 60_000)).toBe(0);
    expect(await s.subscriptions.scheduleUnscheduled('poll', [], 10_000, 60_000)).toBe(0);
    // The renewal schedule is its own column.
    expect(await s.subscriptions.scheduleUnscheduled('renewal', ['GITHUB_TRIGGER_PUSH'], 5_000, 1_000)).toBe(1);
    expect((await s.subscriptions.get(other.id))!).toMatchObject({ nextPollAt: null, renewAt: expect.any(Number) });
    expect((await s.subscriptions.get(other.id))!.renewAt).toBeGreaterThanOrEqual(5_000);
    expect((await s.subscriptions.get(other.id))!.renewAt).toBeLessThan(6_000);
  });

  it('hands a due renewal to exactly one of many concurrent renewers', async () => {
    const subs = await Promise.all(Array.from({ length: 6 }, (_, i) => subscription({ renewAt: 1000 + i })));
    const claims = await Promise.all(Array.from({ length: 4 }, () => s.subscriptions.claimDueRenewals(2000, 30_000, 3)));
    const ids = claims.flat().map((x) => x.id);
    expect(ids.sort()).toEqual(subs.map((x) => x.id).sort());
  });

  it('makes polling subscriptions due at once on request, never later than scheduled', async () => {
    const later = await subscription({ nextPollAt: 50_000 });
    const sooner = await subscription({ nextPollAt: 500 });
    await s.subscriptions.pollSoon([later.id, sooner.id], 1000);
    expect((await s.subscriptions.get(later.id))?.nextPollAt).toBe(1000);
    expect((await s.subscriptions.get(sooner.id))?.nextPollAt).toBe(500);
  });

  it('makes a renewal due at once on request, but never moves one due sooner or leased', async () => {
    const scheduled = await subscription({ renewAt: 3_600_000 });
    const leased = await subscription({ renewAt: 150_000 }); // a renewer's lease until 150 000
    const unscheduled = await subscription({ renewAt: null });
    expect(await s.subscriptions.renewSoon(scheduled.id, 1000, 181_000)).toBe(true);
    expect(await s.subscriptions.renewSoon(leased.id, 1000, 181_000)).toBe(false);
    expect(await s.subscriptions.renewSoon(unscheduled.id, 1000, 181_000)).toBe(true);
    expect(await s.subscriptions.renewSoon('missing', 1000, 181_000)).toBe(false);
    expect((await s.subscriptions.get(scheduled.id))?.renewAt).toBe(1000);
    expect((await s.subscriptions.get(leased.id))?.renewAt).toBe(150_000);
    expect((await s.subscriptions.get(unscheduled.id))?.renewAt).toBe(1000);
    expect((await s.subscriptions.claimDueRenewals(1000, 181_000, 10)).map((x) => x.id).sort()).toEqual([scheduled.id, unscheduled.id].sort());
  });

  it('hands out an OAuth state once and never after expiry', async () => {
    const p = await s.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
    await s.oauthStates.create({ id: 'st1', projectId: p.id, userId: 'u', integration: 'slack', redirectUrl: 'https://app/cb', codeVerifier: 'v', accountValues: {}, expiresAt: 5000 });
    expect(await s.oauthStates.consume('st1', 6000)).toBeNull();
    await s.oauthStates.create({ id: 'st2', projectId: p.id, userId: 'u', integration: 'shopify', redirectUrl: 'https://app/cb', codeVerifier: 'v', accountValues: { shop: 'acme' }, expiresAt: 5000 });
    expect(await s.oauthStates.consume('st2', 1000)).toMatchObject({ codeVerifier: 'v', accountValues: { shop: 'acme' } });
    expect(await s.oauthStates.consume('st2', 1000)).toBeNull();
    // Readable (not consumable) afterwards, to answer a late or replayed callback; purged after expiry.
    expect(await s.oauthStates.get('st2')).toMatchObject({ projectId: p.id, redirectUrl: 'https://app/cb', usedAt: 1000 });
    expect(JSON.stringify(await rawRows(t.db.url, 'oauth_states'))).not.toMatch(/"v"/);
    expect(await s.oauthStates.deleteExpired(5001)).toBe(2);
    expect(await s.oauthStates.get('st2')).toBeNull();
  });

  it('completes a mixed batch at once: attempts, statuses, one ERRORED transition per subscription', async () => {
    const a = await subscription();
    const b = await s.subscriptions.create({ ...a, id: undefined, parameters: { owner: 'b' } });
    const events = await s.events.record(
      ['ok', 'retry', 'fail1', 'fail2', 'held'].map((k) => ({ subscription: k === 'held' ? b : a, dedupeKey: k, payload: { k } })),
      1000,
    );
    const claimed = await s.deliveries.claimDue(1000, 31000, 'w1', 10);
    const byKey = new Map(claimed.map((c) => [c.event.dedupeKey, c.delivery]));
    const attempt = (outcome: 'succeeded' | 'retry' | 'failed', statusCode: number) =>
      ({ startedAt: 1000, url: 'https://example.com/hook', statusCode, latencyMs: 5.4, responseExcerpt: null, error: statusCode === 200 ? null : `HTTP ${statusCode}`, outcome });
    await s.subscriptions.update(b.id, { status: 'ERRORED' });
    const woke: number[] = [];
    const off = s.onDeliveriesQueued(() => woke.push(1));
    await s.deliveries.complete([
      { claimed: byKey.get('ok')!, attempt: attempt('succeeded', 200), next: { kind: 'succeeded' } },
      { claimed: byKey.get('retry')!, attempt: attempt('retry', 500), next: { kind: 'retry', runAt: 9000 } },
      { claimed: byKey.get('fail1')!, attempt: attempt('failed', 410), next: { kind: 'failed', reason: 'first' } },
      { claimed: byKey.get('fail2')!, attempt: attempt('failed', 410), next: { kind: 'failed', reason: 'second' } },
      { claimed: byKey.get('held')!, next: { kind: 'held' } },
    ], 2000);
    off();
    expect(woke).toEqual([]); // nothing became due now

    const status = async (k: string) => (await s.events.get(a.projectId, events.find((e) => e.dedupeKey === k)!.id))?.status;
    expect([await status('ok'), await status('retry'), await status('fail1'), await status('fail2'), await status('held')])
      .toEqual(['DELIVERED', 'PENDING', 'FAILED', 'FAILED', 'HELD']);
    expect((await s.deliveries.listForEvent(byKey.get('retry')!.eventId))[0]).toMatchObject({ status: 'PENDING', runAt: 9000, attemptCount: 1, lastError: 'HTTP 500', leaseOwner: null });
    expect((await s.deliveries.listForEvent(byKey.get('held')!.eventId))[0]).toMatchObject({ status: 'HELD', attemptCount: 0 });
    expect((await s.attempts.listForEvent(byKey.get('ok')!.eventId))[0]).toMatchObject({ attemptNumber: 1, latencyMs: 5, outcome: 'succeeded' });
    expect(await s.subscriptions.get(a.id)).toMatchObject({ status: 'ERRORED', error: 'second' });
    expect((await s.logs.list(a.id, 10)).map((l) => l.message)).toEqual(['second']);
    expect(await s.deliveries.claimDue(8999, 40000, 'w1', 10)).toHaveLength(0);
    expect(await s.deliveries.claimDue(9000, 40000, 'w1', 10)).toHaveLength(1);
  });

  it('does not park a delivery whose subscription was re-activated while it was leased', async () => {
    const sub = await subscription();
    await s.events.record([{ subscription: sub, dedupeKey: 'k', payload: {} }], 1000);
    const [c] = await s.deliveries.claimDue(1000, 31000, 'w1', 10);
    // The worker saw ERRORED at claim time; the subscription is ACTIVE again by the time it completes.
    const woke: number[] = [];
    const off = s.onDeliveriesQueued(() => woke.push(1));
    await s.deliveries.complete([{ claimed: c!.delivery, next: { kind: 'held' } }], 2000);
    off();
    expect(woke.length).toBeGreaterThan(0);
    expect((await s.deliveries.claimDue(2000, 32000, 'w2', 10)).map((x) => x.event.id)).toEqual([c!.event.id]);
  });

  it('hands an unsent claim back: PENDING and due, attempt count unchanged', async () => {
    const sub = await subscription();
    await s.events.record([{ subscription: sub, dedupeKey: 'k', payload: {} }], 1000);
    const [c] = await s.deliveries.claimDue(1000, 31000, 'w1', 10);
    await s.deliveries.complete([{ claimed: c!.delivery, next: { kind: 'retry', runAt: 1500 } }], 1500);
    const [again] = await s.deliveries.claimDue(1500, 31500, 'w2', 10);
    expect(again?.delivery).toMatchObject({ attemptCount: 0, leaseOwner: 'w2' });
    expect(await s.attempts.listForEvent(c!.event.id)).toEqual([]);
  });

  it('completes batches larger than one statement chunk', async () => {
    const sub = await subscription();
    await s.events.record(Array.from({ length: 450 }, (_, i) => ({ subscription: sub, dedupeKey: `k${i}`, payload: { i } })), 1000);
    const claimed = await s.deliveries.claimDue(1000, 31000, 'w1', 500);
    expect(claimed).toHaveLength(450);
    await s.deliveries.complete(claimed.map((c) => ({
      claimed: c.delivery,
      attempt: { startedAt: 1000, url: 'u', statusCode: 200, latencyMs: 1, responseExcerpt: null, error: null, outcome: 'succeeded' as const },
      next: { kind: 'succeeded' as const },
    })), 2000);
    expect(await s.events.list({ projectId: sub.projectId, status: 'DELIVERED', limit: 500 })).toHaveLength(450);
    expect(await s.deliveries.countByStatus()).toEqual({});
  });

  it('rolls a transaction back as a whole', async () => {
    const sub = await subscription();
    await expect(
      s.transaction(async (tx) => {
        await tx.events.record([{ subscription: sub, dedupeKey: 'tx', payload: {} }], 1000);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await s.events.list({ projectId: sub.projectId, limit: 10 })).toHaveLength(0);
    expect(await s.deliveries.claimDue(5000, 6000, 'w', 10)).toHaveLength(0);
  });

  it('searches users literally, wildcards included', async () => {
    const p = await s.projects.create({ name: 'p', webhookUrl: null, signingSecret: 'whsec_x' });
    for (const id of ['alice', 'a_b', 'axb', '100%']) await s.users.touch(p.id, id);
    expect((await s.users.list(p.id, { search: 'a_b', limit: 10 })).map((u) => u.id)).toEqual(['a_b']);
    expect((await s.users.list(p.id, { search: '%', limit: 10 })).map((u) => u.id)).toEqual(['100%']);
    expect((await s.users.list(p.id, { afterId: 'a_b', limit: 10 })).map((u) => u.id)).toEqual(['alice', 'axb']);
  });
});

