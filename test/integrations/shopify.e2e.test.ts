// Shopify end to end through the public API, on SQLite and PostgreSQL: a credential with the shop's access token and
// domain → subscribe → a webhook subscription is created at the fake store (GraphQL webhookSubscriptionCreate with the
// trigger's topic, our per-subscription URL, JSON, X-Shopify-Access-Token) → Shopify delivers a signed order →
// exactly one signed delivery of the order → Shopify's retry (same body and event id, new webhook id) adds nothing →
// unsubscribe → the subscription is deleted at the store. Plus: product versions each delivered once; deliveries
// signed with another key, tampered or unsigned are refused (401) and record nothing; Shopify's 401, 429 and
// THROTTLED at subscribe time; no subscribing without the app's client secret; and the hourly check that creates a
// subscription Shopify deleted again (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import customerCreated from '../../src/integrations/shopify/fixtures/customer-created.json' with { type: 'json' };
import orderCreated from '../../src/integrations/shopify/fixtures/order-created.json' with { type: 'json' };
import productUpdated from '../../src/integrations/shopify/fixtures/product-updated.json' with { type: 'json' };
import { SHOPIFY_API_VERSION } from '../../src/integrations/shopify/api.js';
import { shopifyIntegration } from '../../src/integrations/shopify/integration.js';
import { SHOPIFY_SIGNATURE } from '../../src/integrations/shopify/webhooks.js';
import { signRequest } from '../../src/sdk/index.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeShopify, type FakeShopify, type ShopifyHookSubscription } from '../providers/shopify.js';

const TOKEN = 'shpat_e2e_valid_token';

describe.each(DIALECTS)('Shopify end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let shop: FakeShopify;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string) => w.subscribe(type, {});
  const subscribed = async (type: string) => subscriptionOf(await subscribe(type));
  const hookFor = (subscriptionId: string): ShopifyHookSubscription | undefined => [...shop.hooks.values()].find((h) => h.uri === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    shop = await startFakeShopify();
    shop.validTokens.add(TOKEN);
    w = await startIntegrationWorld({
      dialect,
      integration: shopifyIntegration,
      // Shopify signs with the app's client secret: the integration's webhookSecret holds the same value. apiBaseUrl
      // is deliberately not the fake: calls must follow the credential's shop.
      config: { apiBaseUrl: 'http://127.0.0.1:9', webhookSecret: shop.clientSecret },
      credential: { apiKey: TOKEN, providerAccountId: shop.shop, extra: { shop: shop.shop, adminOrigin: shop.url } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await shop.close();
  });

  it('order created: subscription created at the shop, one signed delivery, retry deduplicated, subscription deleted', async () => {
    const sub = await subscribed('SHOPIFY_TRIGGER_ORDER_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ topic: 'ORDERS_CREATE', format: 'JSON', uri: `${t.url}/hooks/s/${sub.id}` });
    expect(shop.requests.at(-1)).toMatchObject({
      method: 'POST', path: `/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, token: TOKEN, operation: 'webhookSubscriptionCreate',
      variables: { topic: 'ORDERS_CREATE', webhookSubscription: { uri: hook.uri, format: 'JSON' } },
    });

    const first = await shop.deliver(hook.id, orderCreated);
    expect(first.status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'shopify', triggerType: 'SHOPIFY_TRIGGER_ORDER_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: orderCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Shopify retries (our answer was lost): the original body and event id, a new webhook id — acknowledged,
    // nothing new. Another topic and another shop reaching this URL are acknowledged and ignored.
    expect((await shop.deliver(hook.id, orderCreated, { eventId: first.eventId })).status).toBe(200);
    expect((await shop.deliver(hook.id, { ...orderCreated, id: 1, admin_graphql_api_id: 'gid://shopify/Order/1' }, { topic: 'orders/updated' })).status).toBe(200);
    expect((await shop.deliver(hook.id, { ...orderCreated, id: 2, admin_graphql_api_id: 'gid://shopify/Order/2' }, { shop: 'other-store.myshopify.com' })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(shop.hooks.size).toBe(0);
    expect(shop.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(shop.requests.at(-1)).toMatchObject({ operation: 'webhookSubscriptionDelete', variables: { id: hook.id }, token: TOKEN });
  });

  it('product updated: each version delivered once; a customer created once', async () => {
    const products = await subscribed('SHOPIFY_TRIGGER_PRODUCT_UPDATED');
    const customers = await subscribed('SHOPIFY_TRIGGER_CUSTOMER_CREATED');
    expect(hookFor(customers.id)!.topic).toBe('CUSTOMERS_CREATE');
    const hook = hookFor(products.id)!;
    expect(hook.topic).toBe('PRODUCTS_UPDATE');
    const v2 = { ...productUpdated, title: 'T-Shirt (organic)', updated_at: '2025-04-22T15:02:11-05:00' };
    for (const body of [productUpdated, v2, productUpdated]) expect((await shop.deliver(hook.id, body)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await shop.deliver(hookFor(customers.id)!.id, customerCreated)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(3);
    const got = sent.map((r) => r.json as { triggerSubscriptionId: string; payload: { updated_at: string; email?: string } });
    expect(got.filter((g) => g.triggerSubscriptionId === products.id).map((g) => g.payload.updated_at)).toEqual(['2025-04-22T14:30:00-05:00', '2025-04-22T15:02:11-05:00']);
    expect(got.filter((g) => g.triggerSubscriptionId === customers.id).map((g) => g.payload.email)).toEqual(['bob@biller.com']);
    expect(await events()).toHaveLength(3);
  });

  it('refuses deliveries signed with another key, tampered or unsigned with 401 and records nothing', async () => {
    const sub = await subscribed('SHOPIFY_TRIGGER_ORDER_CREATED');
    const hook = hookFor(sub.id)!;
    expect((await shop.deliver(hook.id, orderCreated, { key: 'not-the-client-secret' })).status).toBe(401);
    const body = JSON.stringify(orderCreated);
    const signed = signRequest(SHOPIFY_SIGNATURE, { method: 'POST', url: `/hooks/s/${sub.id}`, headers: {}, rawBody: Buffer.from(body) }, { secret: shop.clientSecret }, Date.now());
    const headers = { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': shop.shop, 'x-shopify-event-id': 'ev-1' };
    const post = (h: Record<string, string>, raw = body) => fetch(hook.uri, { method: 'POST', headers: { ...headers, ...h }, body: raw });
    expect((await post(signed, body.replace('jon@example.com', 'eve@example.com'))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-shopify-hmac-sha256': 'not base64 at all' })).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    // The same request, correctly signed, is accepted: the refusals above were the signature's.
    expect((await post(signed)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it("reports Shopify's refusals at subscribe time (401, 429 with its wait, THROTTLED) without storing anything", async () => {
    shop.validTokens.clear();
    const unauthorized = await subscribe('SHOPIFY_TRIGGER_ORDER_PAID');
    expect(unauthorized.status).toBe(422);
    expect(unauthorized.body.message).toContain('credentials');
    expect(unauthorized.text).not.toContain(TOKEN);
    shop.validTokens.add(TOKEN);

    shop.failNext(1, 429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, { 'retry-after': '2.0' });
    expect((await subscribe('SHOPIFY_TRIGGER_ORDER_PAID')).status).toBe(429);
    shop.throttleNext();
    expect((await subscribe('SHOPIFY_TRIGGER_ORDER_FULFILLED')).status).toBe(429);
    shop.failNext(1, 402, { errors: 'Unavailable Shop' });
    const frozen = await subscribe('SHOPIFY_TRIGGER_PRODUCT_CREATED');
    expect(frozen.status).toBe(422);
    expect(frozen.body.message).toContain('Unavailable Shop');

    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(shop.hooks.size).toBe(0);
    // And once Shopify answers again, the same subscribe works.
    expect((await subscribed('SHOPIFY_TRIGGER_ORDER_PAID')).status).toBe('ACTIVE');
  });

  it("refuses to subscribe while the integration's webhookSecret (the app's client secret) is not set, creating nothing", async () => {
    const put = await t.admin.put(`/admin/v1/projects/${project.id}/integrations/shopify`, { enabled: true, webhookSecret: null });
    expect(put.status, put.text).toBe(200);
    const r = await subscribe('SHOPIFY_TRIGGER_ORDER_CREATED');
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('webhookSecret');
    expect(r.body.message).toContain('client secret');
    expect(r.text).not.toContain(shop.clientSecret);
    expect(shop.hooks.size).toBe(0);
    expect(shop.requests).toEqual([]);
  });

  it('checks the subscription every hour: one Shopify deleted is created again and delivers', async () => {
    const sub = await subscribed('SHOPIFY_TRIGGER_ORDER_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = shop.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(shop.requests.slice(before).map((r) => r.operation)).toEqual(['webhookSubscription']);

    // Deleted by Shopify (after 8 failed retries over 4 hours): a new one.
    shop.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(shop.hooks.size).toBe(1);
    expect((await shop.deliver(second.id, orderCreated)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
