// Stripe end to end through the public API, on SQLite and PostgreSQL: subscribe → webhook endpoint created at
// the fake Stripe → Stripe-signed event → exactly one signed delivery at the receiver with the SPEC envelope
// → Stripe's retry of the same event → no duplicate → unsubscribe → endpoint deleted. Plus the failure paths
// and the hourly check that creates an endpoint deleted or disabled at Stripe again (ADR 0018).
// Deliveries are verified with the standardwebhooks package and an independently computed Paragon HMAC.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { stripeEvents } from '../../src/integrations/stripe/fixtures/events.js';
import { stripeIntegration } from '../../src/integrations/stripe/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeStripe, type FakeStripe } from '../providers/stripe.js';

describe.each(DIALECTS)('Stripe end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let stripe: FakeStripe;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = async (type: string) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'stripe', type, parameters: {} });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  const endpointFor = (subscriptionId: string) => [...stripe.endpoints.values()].find((e) => e.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    stripe = await startFakeStripe();
    w = await startIntegrationWorld({
      dialect,
      integration: stripeIntegration,
      config: { apiBaseUrl: stripe.apiBaseUrl },
      credential: { apiKey: 'sk_test_valid', providerAccountId: stripe.accountId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await stripe.close();
  });

  it('customer created: endpoint registered, one signed delivery of the Event object, retries deduplicated, endpoint deleted', async () => {
    const sub = await subscribe('STRIPE_TRIGGER_CUSTOMER_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const endpoint = endpointFor(sub.id);
    expect(endpoint).toMatchObject({ enabled_events: ['customer.created'], status: 'enabled' });
    expect(stripe.requests.find((r) => r.method === 'POST')?.auth).toBe('Bearer sk_test_valid');

    const first = await stripe.deliver(endpoint!.id, stripeEvents.customerCreated);
    expect(first.status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      userId: 'user-1',
      integration: 'stripe',
      triggerType: 'STRIPE_TRIGGER_CUSTOMER_CREATED',
      triggerSubscriptionId: sub.id,
      credentialId,
      projectId: project.id,
      payload: stripeEvents.customerCreated,
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    // Stripe retries the same event (same id, new signature timestamp): acknowledged, nothing new.
    const retry = await stripe.deliver(endpoint!.id, stripeEvents.customerCreated, { timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(retry.status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.dateLastReceivedEvent).not.toBeNull();

    const late = await stripe.buildDelivery(endpoint!.id, stripeEvents.customerCreated);
    const del = await user.delete(`${base}/trigger-subscriptions/${sub.id}`);
    expect(del.body).toEqual({ success: true });
    expect(stripe.endpoints.size).toBe(0);
    // A delivery Stripe had in flight when we unsubscribed finds nothing.
    expect((await fetch(late.url, { method: 'POST', headers: late.headers, body: late.body })).status).toBe(404);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
  });

  it('every Stripe trigger: its own event delivered once, other event types acknowledged and ignored, torn down on unsubscribe', async () => {
    const subs = new Map<string, string>();
    for (const trigger of stripeIntegration.triggers) subs.set(trigger.type, (await subscribe(trigger.type)).id);
    expect(stripe.endpoints.size).toBe(stripeIntegration.triggers.length);
    for (const trigger of stripeIntegration.triggers) {
      const endpoint = endpointFor(subs.get(trigger.type)!)!;
      const event = trigger.examplePayload as { id: string; type: string };
      expect(endpoint.enabled_events).toEqual([event.type]);
      expect((await stripe.deliver(endpoint.id, event)).status).toBe(200);
      expect((await stripe.deliver(endpoint.id, event)).status).toBe(200); // retry
    }
    // An event of another type reaching an endpoint (e.g. a Dashboard test) changes nothing.
    const customerEndpoint = endpointFor(subs.get('STRIPE_TRIGGER_CUSTOMER_CREATED')!)!;
    expect((await stripe.deliver(customerEndpoint.id, stripeEvents.invoicePaid)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(stripeIntegration.triggers.length);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: { id: string } });
    expect(got.map((g) => g.triggerType).sort()).toEqual(stripeIntegration.triggers.map((x) => x.type).sort());
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload).toEqual(stripeIntegration.triggers.find((x) => x.type === g.triggerType)!.examplePayload);
    }
    for (const id of subs.values()) expect((await user.delete(`${base}/trigger-subscriptions/${id}`)).body).toEqual({ success: true });
    expect(stripe.endpoints.size).toBe(0);
  });

  it('refuses forged, tampered and stale deliveries with 401 and stores nothing', async () => {
    const sub = await subscribe('STRIPE_TRIGGER_CHARGE_REFUNDED');
    const endpoint = endpointFor(sub.id)!;
    expect((await stripe.deliver(endpoint.id, stripeEvents.chargeRefunded, { secret: 'whsec_not_the_endpoint_secret' })).status).toBe(401);
    expect((await stripe.deliver(endpoint.id, stripeEvents.chargeRefunded, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    const d = await stripe.buildDelivery(endpoint.id, stripeEvents.chargeRefunded);
    const tampered = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body.replace('"amount_refunded": 100', '"amount_refunded": 99999') });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(d.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: d.body });
    expect(unsigned.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports Stripe refusals at subscribe time and stores nothing: revoked key, 429, 5xx, endpoint limit', async () => {
    const revoked = await user.post(`${base}/credentials`, { integration: 'stripe', apiKey: 'sk_test_revoked' });
    const r401 = await user.post(`${base}/trigger-subscriptions`, { type: 'STRIPE_TRIGGER_INVOICE_PAID', parameters: {} }, { 'x-paragon-credential': revoked.body.id });
    expect(r401.status).toBe(422);
    expect(r401.body.message).toContain('Invalid API Key');
    const withGoodKey = { 'x-paragon-credential': credentialId };
    stripe.failNext(1, 429);
    expect((await user.post(`${base}/trigger-subscriptions`, { type: 'STRIPE_TRIGGER_INVOICE_PAID', parameters: {} }, withGoodKey)).status).toBe(429);
    stripe.failNext(1, 500);
    expect((await user.post(`${base}/trigger-subscriptions`, { type: 'STRIPE_TRIGGER_INVOICE_PAID', parameters: {} }, withGoodKey)).status).toBe(502);
    stripe.endpointLimit = 0;
    const full = await user.post(`${base}/trigger-subscriptions`, { type: 'STRIPE_TRIGGER_INVOICE_PAID', parameters: {} }, withGoodKey);
    expect(full.status).toBe(422);
    expect(full.body.message).toContain('maximum of 0 test webhook endpoints');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(stripe.endpoints.size).toBe(0);
  });

  it('checks the endpoint every hour: one deleted or disabled at Stripe is created again and delivers', async () => {
    const sub = await subscribe('STRIPE_TRIGGER_CUSTOMER_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    // Still there: one GET of the endpoint, nothing else.
    const first = endpointFor(sub.id)!;
    const before = stripe.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(stripe.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/webhook_endpoints/${first.id}`]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.renewAt! - Date.now()).toBeGreaterThan(55 * 60_000);

    // Deleted in the Dashboard (404 resource_missing): a new endpoint, with the new whsec_ Stripe returned.
    stripe.endpoints.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = endpointFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ enabled_events: ['customer.created'], status: 'enabled' });
    expect(second.secret).not.toBe(first.secret);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret; events from while it was missing were not sent by the provider and cannot be recovered');
    expect((await stripe.deliver(second.id, stripeEvents.customerCreated, { secret: first.secret })).status).toBe(401);
    expect((await stripe.deliver(second.id, stripeEvents.customerCreated)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);

    // Disabled (status: disabled): deleted, and a new one created.
    second.status = 'disabled';
    const beforeDisabled = stripe.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = endpointFor(sub.id)!;
    expect([third.id === second.id, third.status]).toEqual([false, 'enabled']);
    expect(stripe.endpoints.has(second.id)).toBe(false);
    expect(stripe.endpoints.size).toBe(1);
    expect(stripe.requests.slice(beforeDisabled).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/webhook_endpoints/${second.id}`,
      `DELETE /v1/webhook_endpoints/${second.id}`,
      'POST /v1/webhook_endpoints',
    ]);
    expect(await logs()).toContain('the provider had disabled this webhook; removed it and registered a new one with a new secret');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('still unsubscribes when Stripe fails the endpoint deletion, with a warning', async () => {
    const sub = await subscribe('STRIPE_TRIGGER_SUBSCRIPTION_CANCELED');
    stripe.failNext(1, 500);
    const del = await user.delete(`${base}/trigger-subscriptions/${sub.id}`);
    expect(del.body.success).toBe(true);
    expect(del.body.warning).toContain('provider teardown failed');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).status).toBe(404);
  });
});
