// Shopify triggers at the source level: registration, removal and the hourly read against the fake store over real
// HTTP (GraphQL Admin API, X-Shopify-Access-Token, the credential's shop); the signature scheme against the
// documented computation (base64 HMAC-SHA256 of the raw body with the app's client secret); the mapping of webhook
// bodies to items and their keys (a retry maps to the same key); and the mapping of Shopify's errors.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import customerCreated from '../../src/integrations/shopify/fixtures/customer-created.json' with { type: 'json' };
import orderCreated from '../../src/integrations/shopify/fixtures/order-created.json' with { type: 'json' };
import orderFulfilled from '../../src/integrations/shopify/fixtures/order-fulfilled.json' with { type: 'json' };
import orderPaid from '../../src/integrations/shopify/fixtures/order-paid.json' with { type: 'json' };
import productCreated from '../../src/integrations/shopify/fixtures/product-created.json' with { type: 'json' };
import productUpdated from '../../src/integrations/shopify/fixtures/product-updated.json' with { type: 'json' };
import { SHOPIFY_API_VERSION, shopDomain } from '../../src/integrations/shopify/api.js';
import { shopifyIntegration } from '../../src/integrations/shopify/integration.js';
import { SHOPIFY_SIGNATURE } from '../../src/integrations/shopify/webhooks.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeShopify, type FakeShopify } from '../providers/shopify.js';

const silent = { debug() {}, info() {}, warn() {} };
const TOKEN = 'shpat_valid_token_0123456789';

function source(type: string): WebhookSource {
  const t = shopifyIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source;
}

/** base64 HMAC-SHA256 of the body with the secret, computed here independently of the SDK. */
const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

describe('shopify', () => {
  let shop: FakeShopify;
  let http: HttpClient;
  const credential = () => ({ id: 'cred-1', providerAccountId: shop.shop, extra: { shop: shop.label } });
  const ctx = () => ({ http, params: {}, credential: credential(), log: silent, signal: AbortSignal.timeout(10_000), now: Date.now });
  const hookUrl = 'https://ot.example/hooks/s/sub-1';
  const register = (type: string) => source(type).register({ ...ctx(), hookUrl, secret: 'f'.repeat(64) });

  beforeEach(async () => {
    shop = await startFakeShopify();
    shop.validTokens.add(TOKEN);
    // The engine's client, on the store's apiBaseUrl (the engine fills `{shop}` from the credential).
    http = createProviderHttp({ integration: shopifyIntegration, apiBaseUrl: shop.storeUrl, auth: { canRefresh: false, headers: async () => ({ 'x-shopify-access-token': TOKEN }) } });
  });
  afterEach(async () => {
    await shop.close();
  });

  it("declares its triggers, OAuth on the store's host, the X-Shopify-Access-Token header and the shop parameter", () => {
    expect(shopifyIntegration.triggers.map((t) => t.type)).toEqual([
      'SHOPIFY_TRIGGER_ORDER_CREATED', 'SHOPIFY_TRIGGER_ORDER_PAID', 'SHOPIFY_TRIGGER_ORDER_FULFILLED',
      'SHOPIFY_TRIGGER_CUSTOMER_CREATED', 'SHOPIFY_TRIGGER_PRODUCT_CREATED', 'SHOPIFY_TRIGGER_PRODUCT_UPDATED',
    ]);
    expect(shopifyIntegration.auth).toMatchObject({
      kind: 'oauth2',
      authorizationUrl: 'https://{shop}.myshopify.com/admin/oauth/authorize',
      tokenUrl: 'https://{shop}.myshopify.com/admin/oauth/access_token',
      scopeSeparator: ',',
      tokenHeader: { header: 'x-shopify-access-token' },
    });
    expect(shopifyIntegration.apiBaseUrl).toBe('https://{shop}.myshopify.com');
    expect(shopifyIntegration.accountParameters).toEqual([expect.objectContaining({ name: 'shop', acceptSuffix: '.myshopify.com' })]);
    for (const t of shopifyIntegration.triggers) {
      expect(t.docsUrl).toMatch(/^https:\/\/shopify\.dev\//);
      expect(t.parameters).toEqual([]);
      expect(t.source).toMatchObject({ kind: 'webhook', verification: SHOPIFY_SIGNATURE });
    }
  });

  describe('the shop', () => {
    it("is the credential's account parameter, named as Shopify's headers name it", () => {
      expect(shopDomain({ shop: 'acme-store' })).toBe('acme-store.myshopify.com');
      expect(() => shopDomain({})).toThrow(ProviderError);
      expect(() => shopDomain({ shop: '' })).toThrow(/parameters\.shop/);
    });
  });

  describe('signature', () => {
    const body = JSON.stringify(orderCreated);
    const req = (headers: Record<string, string>, raw = body) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw) });

    it('is base64 HMAC-SHA256 of the raw body with the client secret, as Shopify documents', () => {
      const headers = { 'x-shopify-hmac-sha256': hmac('client-secret', body) };
      expect(verifyRequest(SHOPIFY_SIGNATURE, req(headers), { secret: 'client-secret' }, Date.now())).toEqual({ ok: true });
      // The SDK's signer produces the same header: what the fake sends is exactly what we verify.
      expect(signRequest(SHOPIFY_SIGNATURE, req({}), { secret: 'client-secret' }, Date.now())).toEqual(headers);
      // Raw bytes, not re-serialised JSON: the same object with other whitespace has another signature.
      const pretty = JSON.stringify(orderCreated, null, 2);
      expect(verifyRequest(SHOPIFY_SIGNATURE, req(headers, pretty), { secret: 'client-secret' }, Date.now()).ok).toBe(false);
    });

    it('refuses another key, a tampered body, a hex digest and a missing header', () => {
      const headers = { 'x-shopify-hmac-sha256': hmac('client-secret', body) };
      expect(verifyRequest(SHOPIFY_SIGNATURE, req(headers), { secret: 'other-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(SHOPIFY_SIGNATURE, req(headers, body.replace('jon@example.com', 'eve@example.com')), { secret: 'client-secret' }, Date.now()).ok).toBe(false);
      const hex = createHmac('sha256', 'client-secret').update(body).digest('hex');
      expect(verifyRequest(SHOPIFY_SIGNATURE, req({ 'x-shopify-hmac-sha256': hex }), { secret: 'client-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(SHOPIFY_SIGNATURE, req({}), { secret: 'client-secret' }, Date.now()).ok).toBe(false);
    });
  });

  describe('register / check / unregister', () => {
    it("creates a webhook subscription for the trigger's topic at the shop, verifies with the app secret, reads it hourly and deletes it", async () => {
      const s = source('SHOPIFY_TRIGGER_ORDER_CREATED');
      const reg = await register('SHOPIFY_TRIGGER_ORDER_CREATED');
      const hook = [...shop.hooks.values()][0]!;
      expect(hook).toMatchObject({ topic: 'ORDERS_CREATE', uri: hookUrl, format: 'JSON' });
      expect(hook.id).toMatch(/^gid:\/\/shopify\/WebhookSubscription\/[0-9]+$/);
      expect(reg).toEqual({ state: { webhookSubscriptionId: hook.id, topic: 'orders/create' } });
      expect(shop.requests.at(-1)).toMatchObject({
        method: 'POST', path: `/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, token: TOKEN, operation: 'webhookSubscriptionCreate',
        variables: { topic: 'ORDERS_CREATE', webhookSubscription: { uri: hookUrl, format: 'JSON' } },
      });

      const c = { ...ctx(), state: reg.state };
      expect(await s.check!(c)).toBe('active');
      expect(shop.requests.at(-1)).toMatchObject({ operation: 'webhookSubscription', variables: { id: hook.id } });

      await s.unregister(c);
      expect(shop.hooks.size).toBe(0);
      expect(shop.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
      expect(shop.requests.at(-1)).toMatchObject({ operation: 'webhookSubscriptionDelete', variables: { id: hook.id } });
      expect(await s.check!(c)).toBe('gone');
      await s.unregister(c); // already gone at Shopify: fine
      expect(await s.check!({ ...c, state: {} })).toBe('gone');
      await s.unregister({ ...c, state: {} }); // never registered: nothing to call
    });

    it('subscribes each trigger to its topic', async () => {
      const topics: Record<string, string> = {
        SHOPIFY_TRIGGER_ORDER_CREATED: 'ORDERS_CREATE', SHOPIFY_TRIGGER_ORDER_PAID: 'ORDERS_PAID', SHOPIFY_TRIGGER_ORDER_FULFILLED: 'ORDERS_FULFILLED',
        SHOPIFY_TRIGGER_CUSTOMER_CREATED: 'CUSTOMERS_CREATE', SHOPIFY_TRIGGER_PRODUCT_CREATED: 'PRODUCTS_CREATE', SHOPIFY_TRIGGER_PRODUCT_UPDATED: 'PRODUCTS_UPDATE',
      };
      for (const type of Object.keys(topics)) await register(type);
      expect([...shop.hooks.values()].map((h) => h.topic)).toEqual(Object.values(topics));
    });

    it("declares that Shopify signs with the app's client secret alone (the project's webhookSecret)", () => {
      expect(source('SHOPIFY_TRIGGER_ORDER_CREATED').appSigningKey).toMatchObject({ required: true, description: expect.stringContaining('client secret') });
    });

    it('refuses a credential without its shop, calling nothing', async () => {
      const s = source('SHOPIFY_TRIGGER_ORDER_CREATED');
      const err = await s.register({ ...ctx(), credential: { id: 'c', providerAccountId: null, extra: {} }, hookUrl, secret: 's' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'permanent', message: expect.stringContaining('extra.shop') });
      expect(shop.requests).toEqual([]);
    });
  });

  describe('errors', () => {
    const registerError = () => register('SHOPIFY_TRIGGER_PRODUCT_CREATED').then(() => null, (e: unknown) => e as ProviderError);

    it('401 → auth, without the token in the message', async () => {
      shop.validTokens.clear();
      const err = await registerError();
      expect(err).toMatchObject({ kind: 'auth', status: 401 });
      expect(err!.message).not.toContain(TOKEN);
    });

    it("429 → rate_limited with the provider's Retry-After; THROTTLED → rate_limited with the bucket's wait", async () => {
      shop.failNext(1, 429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, { 'retry-after': '2.0' });
      expect(await registerError()).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 2000 });
      shop.throttleNext();
      // 752 points asked, 52 available, 100 restored per second: 7 seconds.
      expect(await registerError()).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000, message: expect.stringContaining('Throttled') });
      expect(shop.hooks.size).toBe(0);
    });

    it('5xx → transient; 402, 403, 404, 423 → permanent with Shopify\'s message; userErrors and ACCESS_DENIED → permanent', async () => {
      shop.failNext(1, 503, { errors: 'Service Unavailable' });
      expect(await registerError()).toMatchObject({ kind: 'transient', status: 503 });
      for (const [status, text] of [[402, 'Unavailable Shop'], [403, 'Forbidden'], [404, 'Not Found'], [423, 'Locked']] as const) {
        shop.failNext(1, status, { errors: text });
        const err = await registerError();
        expect(err).toMatchObject({ kind: 'permanent', status });
        expect(err!.message).toContain(text);
      }
      shop.failNext(1, 200, { errors: [{ message: 'Access denied for webhookSubscriptionCreate field.', extensions: { code: 'ACCESS_DENIED' } }] });
      expect(await registerError()).toMatchObject({ kind: 'permanent', message: expect.stringContaining('Access denied') });
      await register('SHOPIFY_TRIGGER_PRODUCT_CREATED');
      // The same topic and address again: Shopify's userErrors, named.
      expect(await registerError()).toMatchObject({ kind: 'permanent', message: expect.stringContaining('already been taken') });
      shop.failNext(1, 200, { errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      expect(await registerError()).toMatchObject({ kind: 'transient' });
    });

    it('check: an error says "could not tell" (throws) rather than gone', async () => {
      const reg = await register('SHOPIFY_TRIGGER_PRODUCT_UPDATED');
      shop.failNext(1, 403, { errors: 'Forbidden' });
      await expect(source('SHOPIFY_TRIGGER_PRODUCT_UPDATED').check!({ ...ctx(), state: reg.state })).rejects.toMatchObject({ kind: 'permanent', status: 403 });
    });
  });

  describe('toItems', () => {
    const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
      const rawBody = Buffer.from(JSON.stringify(body));
      return { method: 'POST', url: '/hooks/s/x', headers: { 'x-shopify-shop-domain': shop.shop, ...headers }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
    };
    const items = (type: string, topic: string, body: unknown, headers: Record<string, string> = {}) =>
      source(type).toItems(inbound(body, { 'x-shopify-topic': topic, ...headers }), { ...ctx(), state: {} }) as Item[];

    it('keys created objects by id (exactly, beyond 2^53, from admin_graphql_api_id) and versions by id and updated_at', () => {
      expect(items('SHOPIFY_TRIGGER_ORDER_CREATED', 'orders/create', orderCreated)).toEqual([
        { key: '820982911946154508', payload: JSON.parse(JSON.stringify(orderCreated)), occurredAt: Date.parse('2021-12-31T19:00:00-05:00') },
      ]);
      expect(items('SHOPIFY_TRIGGER_CUSTOMER_CREATED', 'customers/create', customerCreated)[0]).toMatchObject({ key: '706405506930370084' });
      expect(items('SHOPIFY_TRIGGER_PRODUCT_CREATED', 'products/create', productCreated)[0]).toMatchObject({ key: '788032119674292922' });
      expect(items('SHOPIFY_TRIGGER_ORDER_PAID', 'orders/paid', orderPaid)[0]).toMatchObject({ key: '820982911946154508:2021-12-31T19:05:00-05:00' });
      expect(items('SHOPIFY_TRIGGER_ORDER_FULFILLED', 'orders/fulfilled', orderFulfilled)[0]).toMatchObject({
        key: '820982911946154508:2022-01-02T10:30:00-05:00', occurredAt: Date.parse('2022-01-02T10:30:00-05:00'),
      });
      // No admin_graphql_api_id (the delivery-structure example): the numeric id.
      expect(items('SHOPIFY_TRIGGER_PRODUCT_UPDATED', 'products/update', productUpdated)[0]).toMatchObject({ key: '9554194432293:2025-04-22T14:30:00-05:00' });
    });

    it('maps a retry (same body, new webhook id) to the same key, and a new version to a new one', () => {
      const first = items('SHOPIFY_TRIGGER_PRODUCT_UPDATED', 'products/update', productUpdated, { 'x-shopify-webhook-id': 'a', 'x-shopify-event-id': 'e1' });
      const retry = items('SHOPIFY_TRIGGER_PRODUCT_UPDATED', 'products/update', productUpdated, { 'x-shopify-webhook-id': 'b', 'x-shopify-event-id': 'e1' });
      const next = items('SHOPIFY_TRIGGER_PRODUCT_UPDATED', 'products/update', { ...productUpdated, title: 'T-Shirt (new)', updated_at: '2025-04-22T14:31:07-05:00' });
      expect(retry[0]!.key).toBe(first[0]!.key);
      expect(next[0]!.key).not.toBe(first[0]!.key);
      expect(source('SHOPIFY_TRIGGER_PRODUCT_UPDATED').deliveryId!(inbound(productUpdated, { 'x-shopify-webhook-id': 'b', 'x-shopify-event-id': 'e1' }))).toBe('b');
    });

    it("ignores another topic, another shop, a body without an id or version, and a missing topic", () => {
      expect(items('SHOPIFY_TRIGGER_ORDER_CREATED', 'orders/paid', orderCreated)).toEqual([]);
      expect(items('SHOPIFY_TRIGGER_ORDER_CREATED', 'orders/create', orderCreated, { 'x-shopify-shop-domain': 'other.myshopify.com' })).toEqual([]);
      expect(items('SHOPIFY_TRIGGER_ORDER_CREATED', 'orders/create', orderCreated, { 'x-shopify-shop-domain': shop.shop.toUpperCase() })).toHaveLength(1);
      expect(items('SHOPIFY_TRIGGER_CUSTOMER_CREATED', 'customers/create', { email: 'x@example.com' })).toEqual([]);
      expect(items('SHOPIFY_TRIGGER_PRODUCT_UPDATED', 'products/update', { id: 1, title: 'no version' })).toEqual([]);
      expect(items('SHOPIFY_TRIGGER_ORDER_CREATED', 'orders/create', [orderCreated])).toEqual([]);
      const noTopic = inbound(orderCreated);
      expect(source('SHOPIFY_TRIGGER_ORDER_CREATED').toItems(noTopic, { ...ctx(), state: {} })).toEqual([]);
    });
  });
});
