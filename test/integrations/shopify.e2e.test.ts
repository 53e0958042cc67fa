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
      // Shopify signs with the app's client secret: the integration's webhookSecret holds the same value. The URLs keep
      // the `{shop}` placeholder, so every call shows the engine filled in the credential's store.
      config: {
        apiBaseUrl: `${shop.url}/{shop}`,
        authorizationUrl: `${shop.url}/{shop}/admin/oauth/authorize`,
        tokenUrl: `${shop.url}/{shop}/admin/oauth/access_token`,
        clientId: shop.clientId,
        clientSecret: shop.clientSecret,
        webhookSecret: shop.clientSecret,
      },
      // A token obtained elsewhere, stored directly; the store given as Shopify names it (the engine keeps `john-apparel`).
      credential: { accessToken: TOKEN, providerAccountId: shop.shop, extra: { shop: shop.shop } },
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

  it("reports Shopify's refusals at subscribe time (429 with its wait, THROTTLED, 402, then 401) without storing anything", async () => {
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

    // A revoked token (the app uninstalled): offline tokens have no refresh token, so the account needs reconnecting.
    shop.validTokens.clear();
    const unauthorized = await subscribe('SHOPIFY_TRIGGER_ORDER_CREATED');
    expect(unauthorized.status).toBe(422);
    expect(unauthorized.text).not.toContain(TOKEN);
    expect(await t.svc.storage.credentials.get(credentialId)).toMatchObject({ status: 'INVALID' });
  });

  it("connects through OAuth on the store's own host, named by parameters.shop, and subscribes with the new token", async () => {
    // The admin API tells a host application what the connect call must name.
    const listed = await t.admin.get(`/admin/v1/projects/${project.id}/integrations`);
    expect(listed.body.integrations.find((i: { integration: string }) => i.integration === 'shopify').accountParameters).toEqual([{ name: 'shop', description: expect.stringContaining('myshopify.com') }]);
    const connect = (parameters?: Record<string, string>) => user.post(`${base}/connect/shopify`, { redirectUrl: 'https://app.example.com/connected', ...(parameters ? { parameters } : {}) });
    // The store is required, and must be one name under myshopify.com: nothing else can choose the host.
    for (const [parameters, why] of [[undefined, 'required'], [{ shop: 'evil.example.com/x' }, 'single host name label'], [{ shop: 'a@b' }, 'single host name label']] as const) {
      const r = await connect(parameters);
      expect(r.status, r.text).toBe(400);
      expect(r.body.message).toContain('parameters.shop');
      expect(r.body.message).toContain(why);
    }
    expect((await connect({ shop: 'john-apparel', realm: 'x' })).body.message).toContain('parameters.realm');
    // A token stored directly is held to the same rule.
    const direct = await user.post(`${base}/credentials`, { integration: 'shopify', accessToken: 'shpat_x', extra: { shop: 'evil.example.com' } });
    expect(direct.status, direct.text).toBe(400);
    expect(direct.body.message).toContain('extra.shop');

    const start = await connect({ shop: 'John-Apparel.myshopify.com' });
    expect(start.status, start.text).toBe(200);
    const authorizationUrl = new URL(start.body.authorizationUrl);
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${shop.url}/john-apparel/admin/oauth/authorize`);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({ client_id: shop.clientId, scope: 'read_orders,read_customers,read_products' });
    // Shopify's redirect as documented: code, state, shop, hmac, host, timestamp.
    shop.codes.set('code-1', 'shpat_connected_token');
    const state = encodeURIComponent(authorizationUrl.searchParams.get('state')!);
    const cb = await t.admin.get(`/oauth/callback?code=code-1&state=${state}&shop=john-apparel.myshopify.com&hmac=00&host=aG9zdA&timestamp=1`);
    expect(cb.status, cb.text).toBe(302);
    const connectedId = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    // The same store as user-1's stored credential: that credential is refreshed in place, not duplicated.
    expect(connectedId).toBe(credentialId);
    expect(shop.tokenRequests).toEqual([expect.objectContaining({ code: 'code-1', client_id: shop.clientId })]);
    const stored = await t.svc.storage.credentials.get(connectedId);
    expect(stored).toMatchObject({ providerAccountId: 'john-apparel.myshopify.com', secrets: { accessToken: 'shpat_connected_token', extra: { shop: 'john-apparel', shopName: 'John Apparel' } } });

    const sub = subscriptionOf(await w.subscribe('SHOPIFY_TRIGGER_ORDER_CREATED', {}, { 'x-paragon-credential': connectedId }));
    expect(sub.credentialId).toBe(connectedId);
    expect(shop.requests.at(-1)).toMatchObject({ path: `/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, token: 'shpat_connected_token', operation: 'webhookSubscriptionCreate' });

    // Another store's connect exchanges its code at that store's host (here: none), and fails without a credential.
    const other = await connect({ shop: 'other-store' });
    const otherState = encodeURIComponent(new URL(other.body.authorizationUrl).searchParams.get('state')!);
    const failed = await t.admin.get(`/oauth/callback?code=code-2&state=${otherState}&shop=other-store.myshopify.com`);
    expect(new URL(String(failed.headers.location)).searchParams.get('error')).toBe('token_exchange_failed');
    expect(await t.svc.storage.credentials.listForUser(project.id, 'user-1', 'shopify')).toHaveLength(1);
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
