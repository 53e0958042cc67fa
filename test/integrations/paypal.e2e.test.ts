// PayPal end to end through the public API, on SQLite and PostgreSQL, against the fake PayPal (the project's
// apiBaseUrl and tokenUrl point at it): a credential stored as a REST app's client id and secret → subscribe (the
// engine exchanges the client at /v1/oauth2/token with HTTP Basic; a PayPal webhook for the trigger's one event at our
// URL with ?token=) → a delivery signed the way PayPal signs → confirmed with verify-webhook-signature using OUR
// webhook id → one signed event at the receiver → PayPal's retry of the same event adds nothing → unsubscribe deletes
// the webhook. Plus: forged, tampered, replayed-from-another-webhook and token-less deliveries refused with nothing
// stored; a verify API outage answered 503 so PayPal retries; errors at subscribe time mapped (10-webhook limit, 429,
// 5xx); the hourly check re-creating a webhook deleted in PayPal; a refused client making the credential INVALID.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { CLIENT_REFUSED_MESSAGE } from '../../src/engine/tokens.js';
import { captureCompleted, captureRefunded, disputeCreated, subscriptionCancelled } from '../../src/integrations/paypal/fixtures/events.js';
import { paypalIntegration } from '../../src/integrations/paypal/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { forgerKey, startFakePaypal, type FakePaypal, type PaypalHook } from '../providers/paypal.js';

describe.each(DIALECTS)('PayPal end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let pp: FakePaypal;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string) => subscriptionOf(await w.subscribe(type, {}));
  const hookFor = (subscriptionId: string): PaypalHook | undefined =>
    [...pp.hooks.values()].find((h) => h.url.startsWith(`${t.url}/hooks/s/${subscriptionId}?token=`));

  beforeEach(async () => {
    pp = await startFakePaypal();
    w = await startIntegrationWorld({
      dialect,
      integration: paypalIntegration,
      config: { apiBaseUrl: pp.url, tokenUrl: pp.tokenUrl },
      credential: { clientId: pp.clientId, clientSecret: pp.clientSecret },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await pp.close();
  });

  it('capture completed: token by Basic auth, webhook for one event with a URL token, verified delivery, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    expect(pp.tokenRequests).toEqual([{ basic: `Basic ${Buffer.from(`${pp.clientId}:${pp.clientSecret}`).toString('base64')}`, form: { grant_type: 'client_credentials' }, status: 200 }]);
    const hook = hookFor(sub.id)!;
    expect(hook.eventTypes).toEqual(['PAYMENT.CAPTURE.COMPLETED']);
    expect(new URL(hook.url).searchParams.get('token')).toMatch(/.{16,}/);
    const post = pp.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/v1/notifications/webhooks', auth: 'Bearer A21AA-paypal-token-1' });
    expect(post.body).toEqual({ url: hook.url, event_types: [{ name: 'PAYMENT.CAPTURE.COMPLETED' }] });

    expect((await pp.deliver(hook.id, captureCompleted)).status).toBe(200);
    expect(pp.verifications).toEqual([{ webhookId: hook.id, status: 'SUCCESS' }]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'paypal', triggerType: 'PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: captureCompleted,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // PayPal retries the same event (a new transmission): acknowledged, nothing new. Another event type is ignored unverified.
    expect((await pp.deliver(hook.id, captureCompleted)).status).toBe(200);
    expect((await pp.deliver(hook.id, captureRefunded)).status).toBe(200);
    expect(pp.verifications).toHaveLength(2);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);
    expect(pp.tokenRequests).toHaveLength(1); // the token is reused

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(pp.hooks.size).toBe(0);
    expect(pp.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(pp.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/notifications/webhooks/${hook.id}` });
  });

  it('each trigger subscribes its own event and delivers it', async () => {
    const cancelled = hookFor((await subscribed('PAYPAL_TRIGGER_SUBSCRIPTION_CANCELLED')).id)!;
    const dispute = hookFor((await subscribed('PAYPAL_TRIGGER_DISPUTE_CREATED')).id)!;
    expect([cancelled.eventTypes, dispute.eventTypes]).toEqual([['BILLING.SUBSCRIPTION.CANCELLED'], ['CUSTOMER.DISPUTE.CREATED']]);
    expect((await pp.deliver(cancelled.id, subscriptionCancelled)).status).toBe(200);
    expect((await pp.deliver(dispute.id, disputeCreated)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    expect(sent.map((s) => (s.json as { triggerType: string }).triggerType).sort()).toEqual(['PAYPAL_TRIGGER_DISPUTE_CREATED', 'PAYPAL_TRIGGER_SUBSCRIPTION_CANCELLED']);
  });

  it('refuses forged, tampered, replayed, off-host and token-less deliveries, storing nothing', async () => {
    const hook = hookFor((await subscribed('PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED')).id)!;
    const other = hookFor((await subscribed('PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED')).id)!;
    const noToken = hook.url.replace(/\?token=.*$/, '');
    // Without the URL token, or with another subscription's: 401, and PayPal is not even asked.
    expect((await pp.deliver(hook.id, captureCompleted, { url: noToken })).status).toBe(401);
    expect((await pp.deliver(hook.id, captureCompleted, { url: `${noToken}?token=${new URL(other.url).searchParams.get('token')}` })).status).toBe(401);
    expect(pp.verifications).toHaveLength(0);
    // With the token but not signed by PayPal for this webhook: PayPal answers FAILURE, refused 422.
    expect((await pp.deliver(hook.id, captureCompleted, { privateKey: forgerKey })).status).toBe(422);
    expect((await pp.deliver(hook.id, captureCompleted, { signedForWebhookId: other.id })).status).toBe(422);
    const tampered = JSON.stringify({ ...captureCompleted, resource: { ...captureCompleted.resource, amount: { currency_code: 'USD', value: '2500.00' } } });
    expect((await pp.deliver(hook.id, captureCompleted, { bodyOverride: tampered })).status).toBe(422);
    expect(pp.verifications.map((v) => [v.webhookId, v.status])).toEqual([[hook.id, 'FAILURE'], [hook.id, 'FAILURE'], [hook.id, 'FAILURE']]);
    // A certificate URL off PayPal's hosts or a missing signature header: refused without asking PayPal.
    expect((await pp.deliver(hook.id, captureCompleted, { headers: { 'paypal-cert-url': 'https://evil.example/cert.pem' } })).status).toBe(422);
    expect((await pp.deliver(hook.id, captureCompleted, { headers: { 'paypal-transmission-sig': '' } })).status).toBe(422);
    expect(pp.verifications).toHaveLength(3);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    // The genuine delivery still goes through.
    expect((await pp.deliver(hook.id, captureCompleted)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('answers 503 when PayPal cannot verify right now, so PayPal retries; the retry is delivered once', async () => {
    const hook = hookFor((await subscribed('PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED')).id)!;
    pp.failNext(1, 503);
    expect((await pp.deliver(hook.id, captureCompleted)).status).toBe(503);
    pp.failNext(1, 429, { name: 'RATE_LIMIT_REACHED', message: 'Too many requests. Blocked due to rate limiting.', debug_id: 'abc' }, { 'retry-after': '2' });
    expect((await pp.deliver(hook.id, captureCompleted)).status).toBe(503);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect((await pp.deliver(hook.id, captureCompleted)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect(await w.events()).toHaveLength(1);
  });

  it('maps PayPal errors at subscribe time, storing nothing, and states the 10-webhook limit', async () => {
    for (let i = 0; i < 10; i++) await subscribed('PAYPAL_TRIGGER_CHECKOUT_ORDER_APPROVED');
    const eleventh = await w.subscribe('PAYPAL_TRIGGER_CHECKOUT_ORDER_APPROVED', {});
    expect(eleventh.status).toBe(422);
    expect(eleventh.body.message).toContain('WEBHOOK_NUMBER_LIMIT_EXCEEDED');
    for (const h of [...pp.hooks.values()]) pp.hooks.delete(h.id);

    pp.failNext(1, 429, { name: 'RATE_LIMIT_REACHED', message: 'Too many requests. Blocked due to rate limiting.', debug_id: 'abc' }, { 'retry-after': '3' });
    expect((await w.subscribe('PAYPAL_TRIGGER_SUBSCRIPTION_CREATED', {})).status).toBe(429);
    pp.failNext(1, 503);
    expect((await w.subscribe('PAYPAL_TRIGGER_SUBSCRIPTION_CREATED', {})).status).toBe(502);
    expect(pp.hooks.size).toBe(0);
    const listed = (await user.get(`${base}/trigger-subscriptions`)).body.triggers;
    expect(listed.PAYPAL_TRIGGER_SUBSCRIPTION_CREATED ?? []).toEqual([]);
  });

  it('checks the webhook every hour: one deleted in PayPal is created again and delivers', async () => {
    const sub = await subscribed('PAYPAL_TRIGGER_PAYMENT_CAPTURE_REFUNDED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const first = hookFor(sub.id)!;
    const before = pp.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(pp.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/notifications/webhooks/${first.id}`]);

    pp.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.url === first.url]).toEqual([false, false]);
    // The old webhook's URL token no longer opens the door.
    pp.hooks.set(first.id, first);
    expect((await pp.deliver(first.id, captureRefunded)).status).toBe(401);
    expect((await pp.deliver(second.id, captureRefunded)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('a client refused at the token endpoint makes the credential INVALID without leaking the secret', async () => {
    pp.clientSecret = 'rotated-in-paypal';
    const res = await w.subscribe('PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED', {});
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).not.toContain('EPayPalClientSecret');
    expect(pp.tokenRequests.at(-1)!.status).toBe(401);
    expect(await t.svc.storage.credentials.get(credentialId)).toMatchObject({ status: 'INVALID', statusReason: CLIENT_REFUSED_MESSAGE });
    expect(pp.hooks.size).toBe(0);
  });
});
