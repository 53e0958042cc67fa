// BigCommerce triggers at the source level: registration, removal and the hourly read against the fake store over
// real HTTP (V3 Webhooks API, X-Auth-Token, the credential's store hash in the path); the shared-secret header
// check; the mapping of thin callbacks to items (the object read from the API) and their keys (a retry maps to the
// same key); and the mapping of BigCommerce's V2 and V3 error bodies and its rate-limit answer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import orderCreated from '../../src/integrations/bigcommerce/fixtures/order-created.json' with { type: 'json' };
import orderStatusUpdated from '../../src/integrations/bigcommerce/fixtures/order-status-updated.json' with { type: 'json' };
import { bigcommerceError, errorText, rateLimitWaitMs, storeHashOf } from '../../src/integrations/bigcommerce/api.js';
import { bigcommerceIntegration } from '../../src/integrations/bigcommerce/integration.js';
import { BIGCOMMERCE_VERIFICATION, SECRET_HEADER, eventKey } from '../../src/integrations/bigcommerce/webhooks.js';
import { ProviderError, verifyRequest, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeBigCommerce, type FakeBigCommerce } from '../providers/bigcommerce.js';

const silent = { debug() {}, info() {}, warn() {} };
const TOKEN = 'bc-token-0123456789';

function source(type: string): WebhookSource {
  const t = bigcommerceIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source;
}

describe('bigcommerce', () => {
  let bc: FakeBigCommerce;
  let http: HttpClient;
  const credential = () => ({ id: 'cred-1', providerAccountId: bc.storeHash, extra: { storeHash: bc.storeHash } });
  const ctx = (params: Record<string, unknown> = {}, state: Record<string, unknown> = {}) => ({ http, params, state, credential: credential(), log: silent, signal: AbortSignal.timeout(10_000), now: Date.now });
  const hookUrl = 'https://ot.example/hooks/s/sub-1';
  const inbound = (payload: unknown): InboundRequest => ({ method: 'POST', url: '/hooks/s/sub-1', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(payload)), body: payload });

  beforeEach(async () => {
    bc = await startFakeBigCommerce();
    bc.validTokens.add(TOKEN);
    bc.orders.set(250, orderCreated.order);
    http = createProviderHttp({ integration: bigcommerceIntegration, apiBaseUrl: `${bc.url}/stores/${bc.storeHash}`, auth: { canRefresh: false, headers: async () => ({ 'x-auth-token': TOKEN }) } });
  });
  afterEach(async () => {
    await bc.close();
  });

  it('declares its triggers, OAuth at login.bigcommerce.com, the X-Auth-Token header and the storeHash parameter', () => {
    expect(bigcommerceIntegration.triggers.map((t) => t.type)).toEqual([
      'BIGCOMMERCE_TRIGGER_ORDER_CREATED', 'BIGCOMMERCE_TRIGGER_ORDER_STATUS_UPDATED', 'BIGCOMMERCE_TRIGGER_PRODUCT_CREATED', 'BIGCOMMERCE_TRIGGER_CUSTOMER_CREATED',
    ]);
    expect(bigcommerceIntegration.auth).toMatchObject({ kind: 'oauth2', tokenUrl: 'https://login.bigcommerce.com/oauth2/token', tokenHeader: { header: 'x-auth-token' } });
    expect(bigcommerceIntegration.apiBaseUrl).toBe('https://api.bigcommerce.com/stores/{storeHash}');
    expect(bigcommerceIntegration.accountParameters).toEqual([expect.objectContaining({ name: 'storeHash' })]);
    for (const t of bigcommerceIntegration.triggers) expect(t.source).toMatchObject({ kind: 'webhook', verification: BIGCOMMERCE_VERIFICATION });
    expect(storeHashOf({ storeHash: 'abc123' })).toBe('abc123');
    expect(() => storeHashOf({})).toThrow(ProviderError);
  });

  it('registers one hook per subscription with the scope, destination and the secret header; deletes it; checks it', async () => {
    const reg = await source('BIGCOMMERCE_TRIGGER_PRODUCT_CREATED').register({ ...ctx(), hookUrl, secret: 's'.repeat(64) });
    const hook = [...bc.hooks.values()][0]!;
    expect(hook).toMatchObject({ scope: 'store/product/created', destination: hookUrl, is_active: true, headers: { [SECRET_HEADER]: 's'.repeat(64) } });
    expect(reg.state).toEqual({ hookId: String(hook.id), scope: 'store/product/created' });
    expect(bc.requests[0]).toMatchObject({ method: 'POST', path: `/stores/${bc.storeHash}/v3/hooks`, token: TOKEN });

    const src = source('BIGCOMMERCE_TRIGGER_PRODUCT_CREATED');
    expect(await src.check!(ctx({}, reg.state))).toBe('active');
    hook.is_active = false;
    expect(await src.check!(ctx({}, reg.state))).toBe('inactive');
    await src.unregister(ctx({}, reg.state));
    expect(bc.hooks.size).toBe(0);
    expect(await src.check!(ctx({}, reg.state))).toBe('gone');
    // Already gone: unregister is a no-op, not an error.
    await expect(src.unregister(ctx({}, reg.state))).resolves.toBeUndefined();
    expect(await src.check!(ctx({}, {}))).toBe('gone');
  });

  it('verifies the custom header in constant time against the subscription secret; anything else is refused', () => {
    const body = JSON.stringify(orderCreated);
    const req = (headers: Record<string, string>) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(body) });
    expect(verifyRequest(BIGCOMMERCE_VERIFICATION, req({ [SECRET_HEADER]: 'the-secret' }), { secret: 'the-secret' }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(BIGCOMMERCE_VERIFICATION, req({ [SECRET_HEADER]: 'the-secreT' }), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(BIGCOMMERCE_VERIFICATION, req({}), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
  });

  describe('keys', () => {
    it('created scopes: the object id, the same on a retry', () => {
      expect(eventKey('store/order/created', orderCreated)).toBe('250');
      expect(eventKey('store/order/created', { ...orderCreated, hash: 'ff'.repeat(20), created_at: 1 })).toBe('250');
      expect(eventKey('store/product/created', { data: { type: 'product', id: '205' } })).toBe('205');
      expect(eventKey('store/order/created', { data: { type: 'order' } })).toBeNull();
      expect(eventKey('store/order/created', { data: { id: -1 } })).toBeNull();
      expect(eventKey('store/order/created', {})).toBeNull();
    });
    it('status updated: the order id and the callback hash (else created_at and the new status): each change once', () => {
      expect(eventKey('store/order/statusUpdated', orderStatusUpdated)).toBe(`250:${orderStatusUpdated.hash}`);
      const noHash = { ...orderStatusUpdated, hash: undefined };
      expect(eventKey('store/order/statusUpdated', noHash)).toBe('250:1561482670:2');
      expect(eventKey('store/order/statusUpdated', { ...noHash, created_at: 1561482671 })).toBe('250:1561482671:2');
      expect(eventKey('store/order/statusUpdated', { data: { id: 250 } })).toBeNull();
    });
  });

  describe('toItems', () => {
    const items = async (type: string, payload: unknown, params: Record<string, unknown> = {}) =>
      (await source(type).toItems(inbound(payload), ctx(params))) as Item[];

    it('reads the order the callback names and delivers it with the callback', async () => {
      const callback = bc.callback('store/order/created', { type: 'order', id: 250 });
      expect(await items('BIGCOMMERCE_TRIGGER_ORDER_CREATED', callback)).toEqual([
        { key: '250', payload: { ...callback, order: orderCreated.order }, occurredAt: (callback.created_at as number) * 1000 },
      ]);
      expect(bc.requests.at(-1)).toMatchObject({ method: 'GET', path: `/stores/${bc.storeHash}/v2/orders/250` });
    });
    it('ignores another scope, another store and bodies without an id, reading nothing', async () => {
      const before = bc.requests.length;
      expect(await items('BIGCOMMERCE_TRIGGER_ORDER_CREATED', bc.callback('store/order/updated', { type: 'order', id: 250 }))).toEqual([]);
      expect(await items('BIGCOMMERCE_TRIGGER_ORDER_CREATED', { ...bc.callback('store/order/created', { type: 'order', id: 250 }), producer: 'stores/zzz999' })).toEqual([]);
      expect(await items('BIGCOMMERCE_TRIGGER_ORDER_CREATED', bc.callback('store/order/created', { type: 'order' }))).toEqual([]);
      expect(await items('BIGCOMMERCE_TRIGGER_ORDER_CREATED', 'not json')).toEqual([]);
      expect(bc.requests.length).toBe(before);
    });
    it('filters status changes by the new status before reading the order', async () => {
      const toShipped = bc.callback('store/order/statusUpdated', { type: 'order', id: 250, status: { previous_status_id: 11, new_status_id: 2 } });
      expect(await items('BIGCOMMERCE_TRIGGER_ORDER_STATUS_UPDATED', toShipped, { newStatusId: '10' })).toEqual([]);
      expect(await items('BIGCOMMERCE_TRIGGER_ORDER_STATUS_UPDATED', toShipped, { newStatusId: '2' })).toHaveLength(1);
      expect(await items('BIGCOMMERCE_TRIGGER_ORDER_STATUS_UPDATED', toShipped)).toHaveLength(1);
    });
    it('fails with the classified error when the read fails (the engine then answers so BigCommerce retries)', async () => {
      bc.failNext(1, 429, { status: 429, title: 'Too many requests' }, { 'x-rate-limit-time-reset-ms': '1500' });
      const err = await items('BIGCOMMERCE_TRIGGER_ORDER_CREATED', bc.callback('store/order/created', { type: 'order', id: 250 })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1500 });
    });
  });

  describe('errors', () => {
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
    it("keeps BigCommerce's words from V3 and V2 bodies", () => {
      expect(errorText({ status: 422, title: 'Input is invalid', type: 'x', errors: { destination: 'must be https' } })).toBe('Input is invalid — destination: must be https');
      expect(errorText([{ status: 404, message: 'The requested resource was not found.' }])).toBe('The requested resource was not found.');
      expect(errorText(null)).toBe('');
    });
    it('classifies: 401 auth, 429 rate limited for the quota window, 5xx transient, the rest permanent', () => {
      expect(bigcommerceError('x', res(401, { title: 'Unauthorized' }), 0)).toMatchObject({ kind: 'auth', status: 401 });
      expect(bigcommerceError('x', res(429, {}, { 'x-rate-limit-time-reset-ms': '2500' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2500 });
      expect(bigcommerceError('x', res(503, {}), 0)).toMatchObject({ kind: 'transient' });
      const e = bigcommerceError('creating the webhook', res(403, { title: 'You do not have permission' }), 0);
      expect(e).toMatchObject({ kind: 'permanent', status: 403 });
      expect(e.message).toBe('BigCommerce 403 creating the webhook: You do not have permission');
    });
    it('reads the wait from X-Rate-Limit-Time-Reset-Ms, else Retry-After, else 5 s', () => {
      expect(rateLimitWaitMs({ 'x-rate-limit-time-reset-ms': '1234' }, 0)).toBe(1234);
      expect(rateLimitWaitMs({ 'retry-after': '3' }, 0)).toBe(3000);
      expect(rateLimitWaitMs({}, 0)).toBe(5000);
    });
    it('maps a refused registration to a permanent error naming the field', async () => {
      bc.failNext(1, 422, { status: 422, title: 'Input is invalid', errors: { destination: 'must be served on port 443' } });
      await expect(source('BIGCOMMERCE_TRIGGER_ORDER_CREATED').register({ ...ctx(), hookUrl, secret: 's'.repeat(64) })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('port 443') });
    });
  });

  it('accountId reads the store and refuses a token answer naming another store', async () => {
    const accountId = (a: Parameters<NonNullable<typeof bigcommerceIntegration.accountId>>[0]) => bigcommerceIntegration.accountId!(a);
    expect(await accountId({ http, token: { accessToken: TOKEN, extra: { context: `stores/${bc.storeHash}` } } })).toEqual({ providerAccountId: bc.storeHash, extra: { storeName: 'BigCommerce Example Store' } });
    await expect(accountId({ http, token: { accessToken: TOKEN, extra: { context: 'stores/other1' } } })).rejects.toThrow(/stores\/other1/);
  });
});
