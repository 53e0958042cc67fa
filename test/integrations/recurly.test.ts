// Recurly triggers at the source level: real HTTP against the fake Recurly, with a harness that plays the engine's
// part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { nextQueryOf, rateLimitWaitMs, recurlyError } from '../../src/integrations/recurly/api.js';
import { recurlyIntegration } from '../../src/integrations/recurly/integration.js';
import { MAX_PAGES, OVERLAP_MS, PAGE_SIZE } from '../../src/integrations/recurly/poll.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { RECURLY_KEY, startFakeRecurly, type FakeRecurly } from '../providers/recurly.js';

const SEC = 1000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const isoS = (ms: number) => new Date(ms).toISOString().replace('.000', '');

function trigger(type: string): AnyTriggerDefinition {
  const t = recurlyIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(private readonly http: HttpClient, private readonly type: string, private readonly params: Record<string, unknown> = {}) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const credential = { id: 'cred-1', providerAccountId: null, extra: {} };
    const r = await source.poll({ http: this.http, params: this.params, credential, log: silent, signal: AbortSignal.timeout(10_000), now: () => this.now, cursor: this.cursor });
    return recordPoll(this, r);
  }
}

describe('recurly', () => {
  let fake: FakeRecurly;
  let http: HttpClient;
  let key: string;
  beforeEach(async () => {
    fake = await startFakeRecurly();
    key = RECURLY_KEY;
    http = createProviderHttp({
      integration: recurlyIntegration, apiBaseUrl: fake.url, credential: { id: 'cred-1', providerAccountId: null, extra: {} },
      auth: { canRefresh: false, headers: async () => ({ authorization: basic(key) }) },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares six polling triggers, HTTP Basic with the key as user name, and the v2021-02-25 Accept header', () => {
    expect(recurlyIntegration.triggers.map((t) => t.type)).toEqual([
      'RECURLY_TRIGGER_ACCOUNT_CREATED', 'RECURLY_TRIGGER_SUBSCRIPTION_CREATED', 'RECURLY_TRIGGER_SUBSCRIPTION_CANCELED',
      'RECURLY_TRIGGER_INVOICE_PAID', 'RECURLY_TRIGGER_TRANSACTION_SUCCEEDED', 'RECURLY_TRIGGER_TRANSACTION_FAILED',
    ]);
    expect(recurlyIntegration.triggers.every((t) => t.source.kind === 'poll')).toBe(true);
    expect(recurlyIntegration.auth).toMatchObject({ kind: 'apiKey', header: 'authorization', basicPassword: '' });
    expect(recurlyIntegration.apiBaseUrl).toBe('https://v3.recurly.com');
    expect(recurlyIntegration.defaultHeaders).toEqual({ accept: 'application/vnd.recurly.v2021-02-25+json' });
  });

  it('account created: baseline not emitted, new accounts once, updates are not creations; asks by updated_at ascending', async () => {
    fake.add('accounts', T0 - 30 * SEC);
    const h = new Harness(http, 'RECURLY_TRIGGER_ACCOUNT_CREATED');
    expect(await h.poll()).toEqual([]);
    expect(fake.lists('accounts')[0]).toMatchObject({
      auth: basic(RECURLY_KEY), accept: 'application/vnd.recurly.v2021-02-25+json',
      query: { sort: 'updated_at', order: 'asc', limit: String(PAGE_SIZE), begin_time: new Date(T0 - 60 * SEC).toISOString() },
    });
    h.now += 10 * SEC;
    const a = fake.add('accounts', h.now, { email: 'new@example.com' });
    const got = await h.poll();
    expect(got.map((i) => [i.key, (i.payload as { email: string }).email])).toEqual([[a.id, 'new@example.com']]);
    expect(got[0]!.payload).toMatchObject({ object: 'account', code: 'benjamin-du-monde' });
    fake.update(a.id, h.now + SEC, { email: 'edited@example.com' });
    h.now += 10 * SEC;
    expect(await h.poll()).toEqual([]);
  });

  it('subscription created and canceled: plan filter, canceled (period end) and expired (terminated) both fire, again after a reactivation', async () => {
    const created = new Harness(http, 'RECURLY_TRIGGER_SUBSCRIPTION_CREATED', { planCode: 'gold' });
    const canceled = new Harness(http, 'RECURLY_TRIGGER_SUBSCRIPTION_CANCELED');
    const old = fake.add('subscriptions', T0 - 3600 * SEC, { plan: { code: 'gold' } });
    await created.poll();
    await canceled.poll();
    created.now = canceled.now = T0 + 10 * SEC;
    const gold = fake.add('subscriptions', created.now, { plan: { code: 'gold' } });
    fake.add('subscriptions', created.now, { plan: { code: 'silver' } });
    fake.update(old.id, created.now, { state: 'canceled', canceled_at: isoS(created.now) });
    expect((await created.poll()).map((i) => i.key)).toEqual([gold.id]);
    expect((await canceled.poll()).map((i) => i.key)).toEqual([`${old.id}:canceled:${isoS(T0 + 10 * SEC)}`]);
    canceled.now += 10 * SEC;
    fake.update(gold.id, canceled.now, { state: 'expired', canceled_at: isoS(canceled.now), expiration_reason: 'canceled' });
    fake.update(old.id, canceled.now, { state: 'active', canceled_at: null }); // reactivated
    expect((await canceled.poll()).map((i) => i.key)).toEqual([`${gold.id}:canceled:${isoS(canceled.now)}`]);
    canceled.now += 10 * SEC;
    fake.update(old.id, canceled.now, { state: 'canceled', canceled_at: isoS(canceled.now) });
    expect((await canceled.poll()).map((i) => i.key)).toEqual([`${old.id}:canceled:${isoS(canceled.now)}`]);
    expect(await canceled.poll()).toEqual([]);
    expect(await created.poll()).toEqual([]);
  });

  it('invoice paid: once per invoice when its state becomes paid; credit invoices and other states left out', async () => {
    const h = new Harness(http, 'RECURLY_TRIGGER_INVOICE_PAID');
    await h.poll();
    h.now += 10 * SEC;
    const inv = fake.add('invoices', h.now, { state: 'pending', closed_at: null });
    fake.add('invoices', h.now, { state: 'paid', type: 'credit', closed_at: isoS(h.now) });
    expect(await h.poll()).toEqual([]);
    h.now += 10 * SEC;
    fake.update(inv.id, h.now, { state: 'paid', closed_at: isoS(h.now) });
    expect((await h.poll()).map((i) => i.key)).toEqual([`${inv.id}:paid`]);
    fake.update(inv.id, h.now + SEC, { po_number: 'PO-7' }); // a later edit of a paid invoice is not a second payment
    h.now += 10 * SEC;
    expect(await h.poll()).toEqual([]);
  });

  it('transactions: succeeded and failed (declined, error) once each, a pending ACH payment fires when it succeeds, type filter', async () => {
    const ok = new Harness(http, 'RECURLY_TRIGGER_TRANSACTION_SUCCEEDED', { transactionType: 'purchase' });
    const failed = new Harness(http, 'RECURLY_TRIGGER_TRANSACTION_FAILED');
    await ok.poll();
    await failed.poll();
    ok.now = failed.now = T0 + 10 * SEC;
    const paid = fake.add('transactions', ok.now, { status: 'success', type: 'purchase' });
    fake.add('transactions', ok.now, { status: 'success', type: 'refund' });
    const ach = fake.add('transactions', ok.now, { status: 'pending', type: 'purchase' });
    const declined = fake.add('transactions', ok.now, { status: 'declined', success: false, type: 'purchase' });
    const errored = fake.add('transactions', ok.now, { status: 'error', success: false, type: 'verify' });
    expect((await ok.poll()).map((i) => i.key)).toEqual([`${paid.id}:success`]);
    expect((await failed.poll()).map((i) => i.key).sort()).toEqual([`${declined.id}:failed`, `${errored.id}:failed`].sort());
    ok.now = failed.now = T0 + 20 * SEC;
    fake.update(ach.id, ok.now, { status: 'success' });
    fake.update(declined.id, ok.now, { customer_message: 'edited' });
    expect((await ok.poll()).map((i) => i.key)).toEqual([`${ach.id}:success`]);
    expect(await failed.poll()).toEqual([]);
  });

  it('follows `next` only by its query, and continues an unfinished read on the next poll', async () => {
    const h = new Harness(http, 'RECURLY_TRIGGER_ACCOUNT_CREATED');
    await h.poll();
    h.now += 10 * SEC;
    const ids = Array.from({ length: PAGE_SIZE * MAX_PAGES + 3 }, () => fake.add('accounts', h.now).id);
    const first = await h.poll();
    expect(first).toHaveLength(PAGE_SIZE * MAX_PAGES);
    expect((h.cursor as { next?: Record<string, string> }).next).toMatchObject({ sort: 'updated_at', order: 'asc', cursor: expect.any(String) });
    const second = await h.poll();
    expect([...first, ...second].map((x) => x.key).sort()).toEqual(ids.sort());
    expect((h.cursor as { next?: unknown }).next).toBeUndefined();
    expect(nextQueryOf('https://evil.example/accounts?cursor=abc&limit=200')).toEqual({ cursor: 'abc', limit: '200' });
    expect(nextQueryOf('/accounts?cursor=abc')).toEqual({ cursor: 'abc' });
    expect(nextQueryOf(null)).toBeNull();
  });

  it('moves the cursor to the read start (or the newest updated_at, if older) minus the overlap, never back', async () => {
    const h = new Harness(http, 'RECURLY_TRIGGER_ACCOUNT_CREATED');
    await h.poll();
    h.now = T0 + 3600 * SEC;
    fake.add('accounts', T0 + 1800 * SEC);
    await h.poll();
    expect((h.cursor as { from: number }).from).toBe(T0 + 1800 * SEC - OVERLAP_MS);
    h.now += 60 * SEC;
    await h.poll();
    expect((h.cursor as { from: number }).from).toBe(T0 + 1800 * SEC - OVERLAP_MS);
    fake.add('accounts', h.now + 120 * SEC); // a Recurly clock ahead of ours: the read start bounds it
    await h.poll();
    expect((h.cursor as { from: number }).from).toBe(h.now - OVERLAP_MS);
  });

  it('maps errors: 401 auth, 429 rate_limited until X-RateLimit-Reset, 5xx transient, 4xx permanent with Recurly\'s type and message', async () => {
    const h = new Harness(http, 'RECURLY_TRIGGER_ACCOUNT_CREATED');
    fake.failNext(1, 429, { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(T0 / 1000 + 42) });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 42_000, message: 'Recurly 429: rate_limited: You have made too many API requests.' });
    fake.failNext(1, 429);
    await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    fake.failNext(1, 503);
    await expect(h.poll()).rejects.toMatchObject({ kind: 'transient' });
    fake.failNext(1, 400, {}, { error: { type: 'invalid_request', message: 'begin_time is invalid', params: [{ param: 'begin_time' }] } });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'permanent', status: 400, message: 'Recurly 400: invalid_request: begin_time is invalid' });
    key = 'revoked-key';
    const err = await h.poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'auth', status: 401, message: 'Recurly 401: unauthorized: Invalid API key' });
    expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(T0 / 1000 + 3600) }, T0)).toBe(5 * 60_000); // capped at the window
    expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(T0 / 1000 - 5) }, T0)).toBe(1000);
    expect(rateLimitWaitMs({ 'retry-after': '3' }, T0)).toBe(3000);
    expect(rateLimitWaitMs({ 'x-ratelimit-reset': 'soon' }, T0)).toBeUndefined();
    expect(recurlyError({ status: 406, headers: {}, body: { error: { type: 'invalid_api_version', message: 'bad accept' } } }, T0)).toMatchObject({ kind: 'permanent', message: 'Recurly 406: invalid_api_version: bad accept' });
  });

  it('validates the plan code and offers the transaction types', () => {
    const param = (type: string, id: string) => trigger(type).parameters.find((p) => p.id === id)!;
    const plan = param('RECURLY_TRIGGER_SUBSCRIPTION_CANCELED', 'planCode');
    expect(plan.validate!('gold plan!')).toMatch(/plan code/);
    expect(plan.validate!('gold-2024_v1.5@x')).toBeNull();
    expect(plan.validate!('')).toBeNull();
    expect(param('RECURLY_TRIGGER_TRANSACTION_FAILED', 'transactionType').options!.map((o) => o.value)).toEqual(['authorization', 'capture', 'purchase', 'refund', 'verify']);
  });
});
