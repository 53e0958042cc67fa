// Square end to end through the public API, on SQLite and PostgreSQL, against the fake Square:
// - the operator creates the Square app's ONE webhook subscription (Webhook Subscriptions API, app personal access
//   token) with the project's app webhook URL, and stores its signature_key as the integration's webhookSecret;
// - sellers connect with OAuth (the merchant id becomes the credential's provider account id);
// - Square events of every seller reach the same URL: each is routed by `merchant_id` to that seller's
//   subscriptions only → one signed delivery per payment / order / customer / invoice → Square's resend of an event
//   and later updates of a completed payment add nothing → the location filter → unsubscribe stops deliveries and
//   leaves the app's Square subscription alone (it serves every seller);
// plus forged, tampered, unsigned and wrongly-addressed notifications (401, nothing stored), a bad location
// parameter (400 naming it), and Square errors at connect time (401, 429, 5xx).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { squareIntegration } from '../../src/integrations/square/integration.js';
import { customerCreated, invoicePaymentMade, orderCreated, paymentCreated } from '../../src/integrations/square/fixtures/events.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { squareSignature, startFakeSquare, type FakeSquare } from '../providers/square.js';

const SELLER = 'ML82H4QPKMGXY';
const OTHER = 'MLOTHER00001';
const EVENT_TYPES = ['payment.created', 'payment.updated', 'order.created', 'customer.created', 'invoice.payment_made'];

type Data = { type: string; id: string; object: Record<string, unknown> };
const payment = (id: string, status: string, locationId = 'L88917AVBK2S5', extra: Record<string, unknown> = {}): Data =>
  ({ type: 'payment', id, object: { payment: { ...paymentCreated.data.object.payment, id, status, location_id: locationId, ...extra } } });

describe.each(DIALECTS)('Square end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let sq: FakeSquare;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let base: string;
  let hookUrl: string;
  let credentialId: string;
  let config: Record<string, unknown>;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; credentialId: string; payload: any });
  const subscribed = async (type: string, parameters: Record<string, unknown> = {}, client: ApiClient = user) =>
    subscriptionOf(await client.post(`${base}/trigger-subscriptions`, { integration: 'square', type, parameters }));
  const settle = async () => {
    await w.worker.drain();
  };

  const callback = async (client: ApiClient, code: string | null) => {
    const start = await client.post(`${base}/connect/square`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    const c = code ?? `sq0cgp-${Math.random().toString(36).slice(2)}`;
    sq.codes.add(c);
    const cb = await t.admin.get(`/oauth/callback?code=${encodeURIComponent(c)}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    return { authorize, back: new URL(String(cb.headers.location)).searchParams };
  };
  const connect = async (client: ApiClient) => (await callback(client, null)).back.get('credentialId')!;

  beforeEach(async () => {
    sq = await startFakeSquare();
    config = { clientId: sq.clientId, clientSecret: sq.clientSecret, apiBaseUrl: sq.url, tokenUrl: sq.tokenUrl, authorizationUrl: `${sq.url}/oauth2/authorize` };
    w = await startIntegrationWorld({ dialect, integration: squareIntegration, config });
    ({ t, receiver, project, base, user } = w);
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${t.url}/hooks/app/${project.id}/square`);
    // The operator's one-time setup: the app's webhook subscription, made with the app's personal access token.
    const created = await fetch(`${sq.url}/v2/webhooks/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sq.personalAccessToken}`, 'content-type': 'application/json', 'square-version': '2025-10-16' },
      body: JSON.stringify({ idempotency_key: 'setup-1', subscription: { name: 'OpenTriggers', event_types: EVENT_TYPES, notification_url: hookUrl, api_version: '2025-10-16' } }),
    });
    const { subscription } = (await created.json()) as { subscription: { signature_key: string } };
    const cfg = await t.admin.put(`/admin/v1/projects/${project.id}/integrations/square`, { enabled: true, ...config, webhookSecret: subscription.signature_key });
    expect(cfg.status, cfg.text).toBe(200);
    sq.merchantId = SELLER;
    credentialId = await connect(user);
  });
  afterEach(async () => {
    await w.close();
    await sq.close();
  });

  it('connect: JSON code exchange with the client credentials, the seller\'s merchant id as the account, Square-Version pinned', async () => {
    const { authorize } = await callback(user, null);
    expect(authorize.searchParams.get('scope')).toBe('MERCHANT_PROFILE_READ PAYMENTS_READ ORDERS_READ CUSTOMERS_READ INVOICES_READ');
    const exchange = sq.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.body).toMatchObject({ client_id: sq.clientId, client_secret: sq.clientSecret, grant_type: 'authorization_code' });
    const stored = (await t.svc.storage.credentials.get(credentialId))!;
    expect(stored.providerAccountId).toBe(SELLER);
    expect(stored.secrets.extra).toMatchObject({ merchantId: SELLER, businessName: `Business ${SELLER}`, country: 'US', mainLocationId: 'L88917AVBK2S5' });
    expect(sq.requests.find((r) => r.path === '/v2/merchants/me')!.version).toBe('2025-10-16');
  });

  it('payments: routed by merchant_id, one signed delivery per payment created / completed, resends and later updates deduped, location filter', async () => {
    const createdSub = await subscribed('SQUARE_TRIGGER_PAYMENT_CREATED');
    const completedSub = await subscribed('SQUARE_TRIGGER_PAYMENT_COMPLETED');
    const elsewhereSub = await subscribed('SQUARE_TRIGGER_PAYMENT_COMPLETED', { locationId: 'LOTHERLOC1' });
    // App-level webhooks: subscribing calls nothing at Square.
    expect(sq.requests.filter((r) => r.path.startsWith('/v2/webhooks'))).toHaveLength(1);

    const other = await project.userClient('user-2');
    sq.merchantId = OTHER;
    const otherCredential = await connect(other);
    const otherSub = await subscribed('SQUARE_TRIGGER_PAYMENT_CREATED', {}, other);

    const [first] = await sq.emit('payment.created', SELLER, payment('pay1', 'APPROVED'));
    expect(first!.status).toBe(200);
    await settle();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'square', triggerType: 'SQUARE_TRIGGER_PAYMENT_CREATED', triggerSubscriptionId: createdSub.id, credentialId,
      payload: { merchant_id: SELLER, type: 'payment.created', event_id: first!.eventId, data: { id: 'pay1', object: { payment: { id: 'pay1', status: 'APPROVED' } } } },
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Square resends the same event (same event_id and body): acknowledged, nothing new.
    expect((await sq.emit('payment.created', SELLER, payment('pay1', 'APPROVED'), { body: first!.body, retry: 1 }))[0]!.status).toBe(200);
    // Completion, then a refund updating the completed payment: one completion delivery.
    await sq.emit('payment.updated', SELLER, payment('pay1', 'COMPLETED'));
    await sq.emit('payment.updated', SELLER, payment('pay1', 'COMPLETED', 'L88917AVBK2S5', { refund_ids: ['ref1'] }));
    // A payment completed at once, and a payment at the other location (for the filtered subscription).
    await sq.emit('payment.created', SELLER, payment('pay2', 'COMPLETED'));
    await sq.emit('payment.updated', SELLER, payment('pay3', 'COMPLETED', 'LOTHERLOC1'));
    // The other seller's payment reaches only the other user's subscription.
    await sq.emit('payment.created', OTHER, payment('pay-other', 'APPROVED'));
    await settle();
    await receiver.waitFor(7);
    await settle();
    const arrived = deliveries().map((d) => `${d.triggerSubscriptionId}:${d.payload.data.id}`).sort();
    expect(arrived).toEqual([
      `${createdSub.id}:pay1`, `${createdSub.id}:pay2`,
      `${completedSub.id}:pay1`, `${completedSub.id}:pay2`, `${completedSub.id}:pay3`,
      `${elsewhereSub.id}:pay3`,
      `${otherSub.id}:pay-other`,
    ].sort());
    expect(deliveries().find((d) => d.triggerSubscriptionId === otherSub.id)!.credentialId).toBe(otherCredential);

    // Unsubscribe: no more deliveries, and the app's Square subscription (shared by every seller) stays.
    for (const s of [createdSub, completedSub, elsewhereSub]) expect((await user.delete(`${base}/trigger-subscriptions/${s.id}`)).body).toEqual({ success: true });
    expect(sq.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(sq.subscriptions).toHaveLength(1);
    await sq.emit('payment.created', SELLER, payment('pay4', 'COMPLETED'));
    await settle();
    expect(receiver.requests).toHaveLength(7);
  });

  it('order created, customer created, invoice paid (partial payments skipped): one delivery each', async () => {
    const orderSub = await subscribed('SQUARE_TRIGGER_ORDER_CREATED');
    const customerSub = await subscribed('SQUARE_TRIGGER_CUSTOMER_CREATED');
    const invoiceSub = await subscribed('SQUARE_TRIGGER_INVOICE_PAID', { locationId: 'ES0RJRZYEC39A' });
    const invoice = invoicePaymentMade.data.object.invoice;
    await sq.emit('order.created', SELLER, orderCreated.data);
    await sq.emit('order.created', SELLER, orderCreated.data); // a second event about the same order
    await sq.emit('customer.created', SELLER, customerCreated.data);
    await sq.emit('invoice.payment_made', SELLER, { type: 'invoice', id: invoice.id, object: { invoice: { ...invoice, status: 'PARTIALLY_PAID' } } });
    await sq.emit('invoice.payment_made', SELLER, invoicePaymentMade.data);
    await settle();
    await receiver.waitFor(3);
    await settle();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.type, d.payload.data.id]).sort()).toEqual([
      [orderSub.id, 'order.created', orderCreated.data.id],
      [customerSub.id, 'customer.created', customerCreated.data.id],
      [invoiceSub.id, 'invoice.payment_made', invoice.id],
    ].sort());
    expect(deliveries().find((d) => d.triggerSubscriptionId === invoiceSub.id)!.payload.data.object.invoice.status).toBe('PAID');
  });

  it('refuses forged, tampered, unsigned and wrongly-addressed notifications with 401 and stores nothing', async () => {
    await subscribed('SQUARE_TRIGGER_CUSTOMER_CREATED');
    expect((await sq.emit('customer.created', SELLER, customerCreated.data, { key: 'not-the-signature-key' }))[0]!.status).toBe(401);
    const key = (await t.svc.storage.integrationConfigs.get(project.id, 'square'))!.webhookSecret!;
    const body = JSON.stringify({ ...customerCreated, merchant_id: SELLER });
    const post = (headers: Record<string, string>, b = body) => fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: b });
    const good = squareSignature(key, hookUrl, body);
    expect((await post({ 'x-square-hmacsha256-signature': good }, body.replace('Amelia', 'Mallory'))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    // Signed over the path only, or over another URL: not what Square signs.
    expect((await post({ 'x-square-hmacsha256-signature': squareSignature(key, new URL(hookUrl).pathname, body) })).status).toBe(401);
    expect((await post({ 'x-square-hmacsha256-signature': squareSignature(key, 'https://elsewhere.example.com/hook', body) })).status).toBe(401);
    await settle();
    expect(await w.events()).toEqual([]);
    // The genuine one passes.
    expect((await post({ 'x-square-hmacsha256-signature': good })).status).toBe(200);
    await settle();
    expect(await w.events()).toHaveLength(1);
  });

  it('refuses a location filter that is not a Square location id, naming the parameter', async () => {
    const r = await w.subscribe('SQUARE_TRIGGER_PAYMENT_CREATED', { locationId: 'not a location!' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('parameters.locationId');
  });

  it('reports Square failures at connect time (merchants/me 401, 429, 500, a refused code) and stores no new credential', async () => {
    const other = await project.userClient('user-3');
    const attempt = async (status: number | null, code: string | null = null) => {
      if (status) sq.failNext(1, status);
      const { back } = await callback(other, code);
      expect(back.get('credentialId')).toBeNull();
      return back;
    };
    const unauthorized = await attempt(401);
    expect(unauthorized.get('error')).toBe('account_lookup_failed');
    expect(unauthorized.get('error_description')).toContain('UNAUTHORIZED');
    const limited = await attempt(429);
    expect(limited.get('error')).toBe('account_lookup_failed');
    expect(limited.get('error_description')).toContain('RATE_LIMITED');
    expect((await attempt(500)).get('error_description')).toContain('INTERNAL_SERVER_ERROR');
    // A code Square does not know: refused at the token endpoint.
    const start = await other.post(`${base}/connect/square`, { redirectUrl: 'https://app.example.com/connected' });
    const state = new URL(start.body.authorizationUrl).searchParams.get('state')!;
    const cb = await t.admin.get(`/oauth/callback?code=unknown&state=${encodeURIComponent(state)}`);
    expect(new URL(String(cb.headers.location)).searchParams.get('error')).toBe('token_exchange_failed');
    expect((await other.get(`${base}/credentials`)).body.credentials).toEqual([]);
  });
});
