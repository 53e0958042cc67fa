// Recurly end to end through the public API, on SQLite and PostgreSQL, against the fake Recurly (the project's
// apiBaseUrl points at it): subscribe (baseline list read with HTTP Basic — the API key as user name, empty password —
// and the v2021-02-25 Accept header; nothing delivered) → a new account / subscription / cancellation / paid invoice /
// transaction → the real Poller on a test clock → exactly one signed delivery each → re-polls deliver nothing more →
// unsubscribe stops the polling. Plus: parameters refused with the field named; a 429 backing the credential off
// until X-RateLimit-Reset and a 5xx retried; a revoked key (401) marking the credential INVALID and the subscription
// ERRORED. Recurly's webhooks cannot be created through its API, so there is no inbound signature to forge here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { recurlyIntegration } from '../../src/integrations/recurly/integration.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestService } from '../helpers/service.js';
import { RECURLY_KEY, startFakeRecurly, type FakeRecurly } from '../providers/recurly.js';

const SEC = 1000;
const isoS = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000', '');

describe.each(DIALECTS)('Recurly end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let rc: FakeRecurly;
  let receiver: FakeReceiver;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    rc = await startFakeRecurly();
    rc.add('accounts', clock.now() - 30_000);
    w = await startIntegrationWorld({
      dialect,
      integration: recurlyIntegration,
      now: clock.now,
      poller: true,
      config: { apiBaseUrl: rc.url },
      credential: { apiKey: RECURLY_KEY },
    });
    ({ t, receiver, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await rc.close();
  });

  it('account created: baseline at subscribe, one signed delivery, no duplicate on re-poll, nothing after unsubscribe', async () => {
    const sub = await subscribed('RECURLY_TRIGGER_ACCOUNT_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const [baseline] = rc.lists('accounts');
    expect(baseline).toMatchObject({
      auth: `Basic ${Buffer.from(`${RECURLY_KEY}:`).toString('base64')}`, accept: 'application/vnd.recurly.v2021-02-25+json',
      query: { sort: 'updated_at', order: 'asc', limit: '200' },
    });
    await tick();
    expect(receiver.requests).toHaveLength(0); // the account that existed before subscribing is never delivered

    const account = rc.add('accounts', clock.now(), { email: 'verena@example.com' });
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'recurly', triggerType: 'RECURLY_TRIGGER_ACCOUNT_CREATED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1',
      payload: { id: account.id, object: 'account', email: 'verena@example.com' },
    });
    expectSignedDelivery(delivery!, w.project.signingSecret);
    rc.update(account.id, clock.now() + SEC, { first_name: 'Verena' }); // an update is not a second creation
    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = rc.requests.length;
    rc.add('accounts', clock.now());
    await tick();
    expect(rc.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('subscription created/canceled, invoice paid, transaction succeeded/failed: one delivery per event, plan filter applied', async () => {
    const created = await subscribed('RECURLY_TRIGGER_SUBSCRIPTION_CREATED', { planCode: 'gold' });
    const canceled = await subscribed('RECURLY_TRIGGER_SUBSCRIPTION_CANCELED');
    const paid = await subscribed('RECURLY_TRIGGER_INVOICE_PAID');
    const ok = await subscribed('RECURLY_TRIGGER_TRANSACTION_SUCCEEDED');
    const failed = await subscribed('RECURLY_TRIGGER_TRANSACTION_FAILED');
    const at = clock.now() + SEC;
    const gold = rc.add('subscriptions', at, { plan: { code: 'gold', name: 'Gold plan' } });
    rc.add('subscriptions', at, { plan: { code: 'silver' } });
    const invoice = rc.add('invoices', at, { state: 'pending', closed_at: null });
    const tx = rc.add('transactions', at, { status: 'success' });
    const declined = rc.add('transactions', at, { status: 'declined', success: false, status_code: 'insufficient_funds' });
    await tick();
    await tick();
    rc.update(gold.id, clock.now(), { state: 'canceled', canceled_at: isoS(clock.now()) });
    rc.update(invoice.id, clock.now(), { state: 'paid', closed_at: isoS(clock.now()) });
    await tick();
    await tick();
    const got = deliveries();
    const of = (id: string) => got.filter((d) => d.triggerSubscriptionId === id).map((d) => [d.payload.id, d.payload.state ?? d.payload.status]);
    expect(of(created.id)).toEqual([[gold.id, 'active']]);
    expect(of(canceled.id)).toEqual([[gold.id, 'canceled']]);
    expect(of(paid.id)).toEqual([[invoice.id, 'paid']]);
    expect(got.filter((d) => d.triggerSubscriptionId === ok.id).map((d) => [d.payload.id, d.payload.status])).toEqual([[tx.id, 'success']]);
    expect(got.filter((d) => d.triggerSubscriptionId === failed.id).map((d) => [d.payload.id, d.payload.status_code])).toEqual([[declined.id, 'insufficient_funds']]);
    expect(got).toHaveLength(5);

    const bad = await w.subscribe('RECURLY_TRIGGER_SUBSCRIPTION_CREATED', { planCode: 'gold plan; drop' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect(bad.body.message).toContain('parameters.planCode');
    const badType = await w.subscribe('RECURLY_TRIGGER_TRANSACTION_FAILED', { transactionType: 'gift' });
    expect(badType.status).toBe(400);
  });

  it('backs the credential off on 429 until X-RateLimit-Reset, retries a 5xx, and marks a revoked key INVALID on 401', async () => {
    const sub = await subscribed('RECURLY_TRIGGER_ACCOUNT_CREATED');
    const account = rc.add('accounts', clock.now());
    const resetAt = Math.floor((clock.now() + 2 * SEC) / 1000) + 30;
    rc.failNext(1, 429, { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) });
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(resetAt * 1000);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = rc.requests.length;
    await tick();
    expect(rc.requests.length).toBe(calls); // paused until the reset
    clock.advance(30_000);
    rc.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([account.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);

    rc.apiKeys.clear(); // the key was deleted in Recurly
    await tick(10 * SEC);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    const body = (await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body;
    expect(body.status).toBe('ERRORED');
    expect(JSON.stringify(body)).not.toContain(RECURLY_KEY);
  });
});
