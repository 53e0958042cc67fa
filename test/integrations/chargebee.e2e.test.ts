// Chargebee end to end through the public API, on SQLite and PostgreSQL. The project's apiBaseUrl keeps the `{site}`
// placeholder (`${fake}/{site}/api/v2`), so every call shows the engine filled in the credential's site: subscribe →
// a webhook endpoint at the fake Chargebee (form-encoded: our per-subscription URL, the trigger's one event type,
// api_version v2, Basic credentials with the secret we chose; the API key as Basic `<key>:`) → a delivery with those
// credentials → one event at the receiver → a resend of the same event adds nothing → unsubscribe deletes the endpoint.
// Plus: wrong, missing and another endpoint's credentials refused (401, nothing stored); errors at subscribe time
// mapped with Chargebee's message, nothing left behind; the hourly check re-creating a deleted or disabled endpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { customerCreated, invoiceGenerated, paymentFailed, paymentSucceeded, subscriptionCancelled, subscriptionCreated } from '../../src/integrations/chargebee/fixtures/events.js';
import { chargebeeIntegration } from '../../src/integrations/chargebee/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { basicOf, startFakeChargebee, type ChargebeeEndpoint, type FakeChargebee } from '../providers/chargebee.js';

describe.each(DIALECTS)('Chargebee end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let cb: FakeChargebee;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string) => subscriptionOf(await w.subscribe(type, {}));
  const endpointFor = (subscriptionId: string): ChargebeeEndpoint | undefined => [...cb.endpoints.values()].find((e) => e.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    cb = await startFakeChargebee();
    w = await startIntegrationWorld({
      dialect,
      integration: chargebeeIntegration,
      config: { apiBaseUrl: `${cb.url}/{site}/api/v2` },
      credential: { apiKey: cb.apiKey, extra: { site: cb.site } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await cb.close();
  });

  it('subscription created: endpoint created with our Basic credentials, one delivery, resend deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('CHARGEBEE_TRIGGER_SUBSCRIPTION_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const endpoint = endpointFor(sub.id)!;
    expect(endpoint).toMatchObject({ site: 'acme-test', apiVersion: 'v2', disabled: false, username: 'opentriggers', enabledEvents: ['subscription_created'] });
    expect(endpoint.password).toMatch(/.{16,}/);
    const post = cb.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ site: 'acme-test', path: '/webhook_endpoints', auth: basicOf(cb.apiKey, '') });
    expect(post.contentType).toContain('application/x-www-form-urlencoded');
    expect(post.body).toMatchObject({ url: `${t.url}/hooks/s/${sub.id}`, api_version: 'v2', basic_auth_username: 'opentriggers', basic_auth_password: endpoint.password, 'enabled_events[0]': 'subscription_created' });

    expect((await cb.deliver(endpoint.id, subscriptionCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'chargebee', triggerType: 'CHARGEBEE_TRIGGER_SUBSCRIPTION_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: subscriptionCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Chargebee retries (or someone resends from the console) the same event: acknowledged, nothing new. Another event type at this URL is ignored.
    expect((await cb.deliver(endpoint.id, { ...subscriptionCreated, webhook_status: 'failed' })).status).toBe(200);
    expect((await cb.deliver(endpoint.id, customerCreated)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cb.endpoints.size).toBe(0);
    expect(cb.deletedEndpoints.map((e) => e.id)).toEqual([endpoint.id]);
    expect(cb.requests.at(-1)).toMatchObject({ method: 'POST', path: `/webhook_endpoints/${endpoint.id}/delete` });
  });

  it('every trigger gets its own endpoint for its event type and delivers it', async () => {
    const cases: Array<[string, string, { id: string }]> = [
      ['CHARGEBEE_TRIGGER_SUBSCRIPTION_CANCELLED', 'subscription_cancelled', subscriptionCancelled],
      ['CHARGEBEE_TRIGGER_PAYMENT_SUCCEEDED', 'payment_succeeded', paymentSucceeded],
      ['CHARGEBEE_TRIGGER_PAYMENT_FAILED', 'payment_failed', paymentFailed],
      ['CHARGEBEE_TRIGGER_INVOICE_GENERATED', 'invoice_generated', invoiceGenerated],
      ['CHARGEBEE_TRIGGER_CUSTOMER_CREATED', 'customer_created', customerCreated],
    ];
    for (const [type, eventType, event] of cases) {
      const endpoint = endpointFor((await subscribed(type)).id)!;
      expect(endpoint.enabledEvents).toEqual([eventType]);
      expect((await cb.deliver(endpoint.id, event)).status).toBe(200);
    }
    await worker.drain();
    const sent = await receiver.waitFor(5);
    const got = sent.map((s) => s.json as { triggerType: string; payload: { id: string } }).map((j) => [j.triggerType, j.payload.id]).sort();
    expect(got).toEqual(cases.map(([type, , event]) => [type, event.id]).sort());
  });

  it('refuses wrong, missing and another endpoint\'s credentials with 401, storing nothing', async () => {
    const endpoint = endpointFor((await subscribed('CHARGEBEE_TRIGGER_PAYMENT_FAILED')).id)!;
    const other = endpointFor((await subscribed('CHARGEBEE_TRIGGER_PAYMENT_FAILED')).id)!;
    expect((await cb.deliver(endpoint.id, paymentFailed, { auth: basicOf('opentriggers', 'not-the-password') })).status).toBe(401);
    expect((await cb.deliver(endpoint.id, paymentFailed, { auth: basicOf('opentriggers', other.password!) })).status).toBe(401);
    expect((await cb.deliver(endpoint.id, paymentFailed, { auth: basicOf('someone', endpoint.password!) })).status).toBe(401);
    expect((await cb.deliver(endpoint.id, paymentFailed, { auth: `Bearer ${endpoint.password}` })).status).toBe(401);
    expect((await cb.deliver(endpoint.id, paymentFailed, { auth: null })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time with Chargebee\'s message, storing nothing and leaving no endpoint', async () => {
    cb.failNext(1, 400, { message: 'url : invalid url', type: 'invalid_request', api_error_code: 'param_wrong_value', param: 'url' });
    const r400 = await w.subscribe('CHARGEBEE_TRIGGER_CUSTOMER_CREATED', {});
    expect(r400.status).toBe(422);
    expect(r400.body.message).toContain('url : invalid url (param_wrong_value)');
    cb.failNext(1, 429, { message: 'Sorry, access has been blocked temporarily due to request count exceeding acceptable limits.', type: 'invalid_request', api_error_code: 'api_request_limit_exceeded' }, { 'retry-after': '3' });
    expect((await w.subscribe('CHARGEBEE_TRIGGER_CUSTOMER_CREATED', {})).status).toBe(429);
    cb.failNext(1, 503);
    expect((await w.subscribe('CHARGEBEE_TRIGGER_CUSTOMER_CREATED', {})).status).toBe(502);
    cb.failNext(1, 401, { message: 'Sorry, authentication failed. Invalid api key', type: 'invalid_request', api_error_code: 'api_authentication_failed' });
    const r401 = await w.subscribe('CHARGEBEE_TRIGGER_CUSTOMER_CREATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(cb.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(cb.endpoints.size).toBe(0);
  });

  it('checks the endpoint every hour: one deleted or disabled in Chargebee is created again with new credentials and delivers', async () => {
    const sub = await subscribed('CHARGEBEE_TRIGGER_INVOICE_GENERATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = endpointFor(sub.id)!;
    const before = cb.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(cb.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /webhook_endpoints/${first.id}`]);

    cb.endpoints.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = endpointFor(sub.id)!;
    expect([second.id === first.id, second.password === first.password]).toEqual([false, false]);

    second.disabled = true;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = endpointFor(sub.id)!;
    expect([third.id === second.id, third.disabled]).toEqual([false, false]);
    expect(cb.deletedEndpoints.map((e) => e.id)).toEqual([second.id]);

    expect((await cb.deliver(third.id, invoiceGenerated, { auth: basicOf('opentriggers', second.password!) })).status).toBe(401);
    expect((await cb.deliver(third.id, invoiceGenerated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
