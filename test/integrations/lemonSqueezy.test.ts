// Lemon Squeezy, unit level: the signature scheme against an independent HMAC (hex HMAC-SHA256 of the raw body in
// X-Signature), the triggers' mapping of Lemon Squeezy's example bodies (keys from event name and object id, plus
// updated_at for refunds and cancellations; the same on a repeat), the storeId parameter, the webhook document,
// and the error mapping.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lemonSqueezyError } from '../../src/integrations/lemonSqueezy/api.js';
import { licenseKeyCreated, orderCreated, orderRefunded, subscriptionCancelled, subscriptionCreated } from '../../src/integrations/lemonSqueezy/fixtures/events.js';
import { LEMON_SQUEEZY_SIGNATURE, lemonSqueezyIntegration } from '../../src/integrations/lemonSqueezy/integration.js';
import { storeIdOf, webhookDocument } from '../../src/integrations/lemonSqueezy/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => lemonSqueezyIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown) => source(type).toItems(inbound(body), {} as never) as Item[];

describe('Lemon Squeezy signature scheme', () => {
  it('verifies hex(HMAC-SHA256(secret, body)) from X-Signature and refuses tampering, other secrets and base64', () => {
    expect(schemeProblems(LEMON_SQUEEZY_SIGNATURE)).toEqual([]);
    const secret = 'a3f9c2d17b5e40e8a6c1f2b3d4e5f60718293a4b';
    const raw = JSON.stringify(orderCreated);
    const mac = createHmac('sha256', secret).update(raw);
    const digest = mac.digest();
    const req = (h: string, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: { 'x-signature': h }, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(LEMON_SQUEEZY_SIGNATURE, req(digest.toString('hex')), { secret }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(LEMON_SQUEEZY_SIGNATURE, req(digest.toString('hex'), `${raw} `), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(LEMON_SQUEEZY_SIGNATURE, req(digest.toString('hex')), { secret: 'another-secret' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(LEMON_SQUEEZY_SIGNATURE, req(digest.toString('base64')), { secret }, Date.now()).ok).toBe(false);
  });
});

describe('Lemon Squeezy triggers', () => {
  it('are the five documented events', () => {
    expect(lemonSqueezyIntegration.triggers.map((t) => t.type)).toEqual([
      'LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', 'LEMON_SQUEEZY_TRIGGER_ORDER_REFUNDED', 'LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CREATED',
      'LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CANCELLED', 'LEMON_SQUEEZY_TRIGGER_LICENSE_KEY_CREATED',
    ]);
    for (const t of lemonSqueezyIntegration.triggers) expect(t.parameters.map((p) => [p.id, p.required])).toEqual([['storeId', true]]);
  });
  it('map each body to one item keyed by event and object id, the same on a repeat', () => {
    expect(items('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', orderCreated)).toEqual([
      { key: 'order_created:1', payload: orderCreated, occurredAt: Date.parse('2021-08-17T09:45:53.000000Z') },
    ]);
    expect(items('LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CREATED', subscriptionCreated).map((i) => i.key)).toEqual(['subscription_created:1']);
    const later = { ...subscriptionCreated, data: { ...subscriptionCreated.data, attributes: { ...subscriptionCreated.data.attributes, updated_at: '2023-02-01T00:00:00.000000Z' } } };
    expect(items('LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CREATED', later).map((i) => i.key)).toEqual(['subscription_created:1']);
    expect(items('LEMON_SQUEEZY_TRIGGER_LICENSE_KEY_CREATED', licenseKeyCreated).map((i) => i.key)).toEqual(['license_key_created:1']);
  });
  it('key refunds and cancellations by updated_at too, so a second partial refund or a cancel after a resume is new', () => {
    expect(items('LEMON_SQUEEZY_TRIGGER_ORDER_REFUNDED', orderRefunded)).toEqual([
      { key: 'order_refunded:1:2021-08-20T11:02:10.000000Z', payload: orderRefunded, occurredAt: Date.parse('2021-08-20T11:02:10.000000Z') },
    ]);
    expect(items('LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CANCELLED', subscriptionCancelled).map((i) => i.key)).toEqual(['subscription_cancelled:1:2023-01-19T08:15:02.000000Z']);
    const again = { ...subscriptionCancelled, data: { ...subscriptionCancelled.data, attributes: { ...subscriptionCancelled.data.attributes, updated_at: '2023-03-01T10:00:00.000000Z' } } };
    expect(items('LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CANCELLED', again).map((i) => i.key)).toEqual(['subscription_cancelled:1:2023-03-01T10:00:00.000000Z']);
    const noVersion = { ...subscriptionCancelled, data: { ...subscriptionCancelled.data, attributes: { ...subscriptionCancelled.data.attributes, updated_at: undefined } } };
    expect(items('LEMON_SQUEEZY_TRIGGER_SUBSCRIPTION_CANCELLED', noVersion)).toEqual([]);
  });
  it('ignore other events, objects of another type, bodies without an id and non-objects', () => {
    expect(items('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', subscriptionCreated)).toEqual([]);
    expect(items('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', { ...orderCreated, data: subscriptionCreated.data })).toEqual([]);
    expect(items('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', { ...orderCreated, data: { ...orderCreated.data, id: '' } })).toEqual([]);
    expect(items('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', [])).toEqual([]);
    expect(items('LEMON_SQUEEZY_TRIGGER_ORDER_CREATED', { data: orderCreated.data })).toEqual([]);
  });
});

describe('storeId parameter and webhook document', () => {
  const param = lemonSqueezyIntegration.triggers[0]!.parameters[0]!;
  it('accepts a store id as number, digits or #digits', () => {
    expect(storeIdOf({ storeId: 12345 })).toBe('12345');
    expect(storeIdOf({ storeId: ' #12345 ' })).toBe('12345');
    expect(param.validate!('#12345')).toBeNull();
    expect(param.validate!(12345)).toBeNull();
  });
  it('refuses anything else, naming the field', () => {
    for (const bad of [undefined, '', 'abc', '0', '-3', '1/../me', 1.5]) {
      expect(() => storeIdOf({ storeId: bad })).toThrow(/^storeId: /);
      expect(param.validate!(bad)).toMatch(/store id/);
    }
  });
  it('is the documented JSON:API body with the store relationship', () => {
    expect(webhookDocument('7', 'https://h/x', 'order_created', 's3cr3t')).toEqual({
      data: { type: 'webhooks', attributes: { url: 'https://h/x', events: ['order_created'], secret: 's3cr3t' }, relationships: { store: { data: { type: 'stores', id: '7' } } } },
    });
  });
});

describe('lemonSqueezyError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies statuses and keeps the JSON:API error detail', () => {
    expect(lemonSqueezyError(res(401, { errors: [{ detail: 'Unauthenticated.', status: '401', title: 'Unauthorized' }] }))).toMatchObject({ kind: 'auth', message: 'Lemon Squeezy 401: Unauthenticated.' });
    expect(lemonSqueezyError(res(429, {}, { 'retry-after': '7' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(lemonSqueezyError(res(429, null), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(lemonSqueezyError(res(503, 'upstream down'))).toMatchObject({ kind: 'transient', status: 503, message: 'Lemon Squeezy 503' });
    expect(lemonSqueezyError(res(422, { errors: [{ detail: 'The url must be a valid URL.', title: 'Unprocessable Entity' }, { title: 'Second' }] }))).toMatchObject({
      kind: 'permanent', status: 422, message: 'Lemon Squeezy 422: The url must be a valid URL.; Second',
    });
  });
});

describe('Lemon Squeezy account id', () => {
  const http = (status: number, body: unknown) => ({
    calls: [] as unknown[],
    async request(req: unknown) {
      this.calls.push(req);
      return { status, headers: {}, body };
    },
    get: () => Promise.reject(new Error('unused')),
    post: () => Promise.reject(new Error('unused')),
  });
  it('is the user id of GET /v1/users/me', async () => {
    const h = http(200, { data: { type: 'users', id: '1', attributes: { email: 'johndoe@example.com' } } });
    expect(await lemonSqueezyIntegration.accountId!({ http: h as never, token: { accessToken: 'x' } })).toEqual({ providerAccountId: '1' });
    expect(h.calls).toMatchObject([{ path: '/users/me' }]);
  });
  it('fails with the mapped error, or when the answer has no id', async () => {
    await expect(lemonSqueezyIntegration.accountId!({ http: http(401, { errors: [{ detail: 'Unauthenticated.' }] }) as never, token: { accessToken: 'x' } })).rejects.toMatchObject({ kind: 'auth' });
    await expect(lemonSqueezyIntegration.accountId!({ http: http(200, { data: {} }) as never, token: { accessToken: 'x' } })).rejects.toMatchObject({ kind: 'permanent' });
  });
});
