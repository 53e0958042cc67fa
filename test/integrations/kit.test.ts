// Kit, unit level: the signature scheme against an independent HMAC (`X-Kit-Signature: t=…,v1=…`, hex HMAC-SHA256
// of `<t>.<body>`, several v1 during rotation, 300 s tolerance), the triggers' mapping of Kit's delivery envelope
// (one item per event of the trigger's type, keyed by the event UUID; form and tag filters), the id parameters, the
// error mapping and the account id.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kitError } from '../../src/integrations/kit/api.js';
import {
  delivery, subscriberActivated, subscriberCreated, subscriberSubscribedToForm, subscriberTagAdded, subscriberUnsubscribed,
} from '../../src/integrations/kit/fixtures/events.js';
import { KIT_SIGNATURE, kitIntegration } from '../../src/integrations/kit/integration.js';
import { filterIdOf, itemsOf } from '../../src/integrations/kit/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => kitIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown, state: Record<string, unknown> = {}) => source(type).toItems(inbound(body), { state } as never) as Item[];

describe('Kit signature scheme', () => {
  const secret = '9f2c1e7a5b3d';
  const raw = JSON.stringify(delivery(1, subscriberCreated));
  const now = 1_785_000_000;
  const sig = (t: number, s = secret, body = raw) => createHmac('sha256', s).update(`${t}.${body}`).digest('hex');
  const req = (header: string, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: { 'x-kit-signature': header }, rawBody: Buffer.from(body), body: JSON.parse(body) });

  it('is a valid scheme and verifies t=…,v1=hex(HMAC-SHA256(secret, "<t>.<body>"))', () => {
    expect(schemeProblems(KIT_SIGNATURE)).toEqual([]);
    expect(verifyRequest(KIT_SIGNATURE, req(`t=${now},v1=${sig(now)}`), { secret }, now * 1000)).toEqual({ ok: true });
  });
  it('accepts any of several v1 entries (secret rotation)', () => {
    expect(verifyRequest(KIT_SIGNATURE, req(`t=${now},v1=${sig(now, 'old-secret')},v1=${sig(now)}`), { secret }, now * 1000)).toEqual({ ok: true });
  });
  it('refuses a tampered body, another secret, a signature over another timestamp, a stale timestamp and no header', () => {
    expect(verifyRequest(KIT_SIGNATURE, req(`t=${now},v1=${sig(now)}`, `${raw} `), { secret }, now * 1000).ok).toBe(false);
    expect(verifyRequest(KIT_SIGNATURE, req(`t=${now},v1=${sig(now, 'another')}`), { secret }, now * 1000).ok).toBe(false);
    expect(verifyRequest(KIT_SIGNATURE, req(`t=${now + 1},v1=${sig(now)}`), { secret }, now * 1000).ok).toBe(false);
    expect(verifyRequest(KIT_SIGNATURE, req(`t=${now - 301},v1=${sig(now - 301)}`), { secret }, now * 1000).ok).toBe(false);
    expect(verifyRequest(KIT_SIGNATURE, req(''), { secret }, now * 1000).ok).toBe(false);
  });
});

describe('Kit triggers', () => {
  it('are the five subscriber triggers', () => {
    expect(kitIntegration.triggers.map((t) => t.type)).toEqual([
      'KIT_TRIGGER_SUBSCRIBER_CREATED', 'KIT_TRIGGER_SUBSCRIBER_ACTIVATED', 'KIT_TRIGGER_SUBSCRIBER_UNSUBSCRIBED', 'KIT_TRIGGER_FORM_SUBSCRIBED', 'KIT_TRIGGER_TAG_ADDED',
    ]);
  });
  it('map each event of the type to one item keyed by its UUID, the same on a retried delivery', () => {
    expect(items('KIT_TRIGGER_SUBSCRIBER_ACTIVATED', delivery(7, subscriberActivated))).toEqual([
      { key: '3f1b7a42-0d8c-4e5a-9b61-7c2d8e9fa013', payload: subscriberActivated, occurredAt: Date.parse('2026-07-29T14:35:02Z') },
    ]);
    expect(items('KIT_TRIGGER_SUBSCRIBER_ACTIVATED', delivery(8, subscriberActivated)).map((i) => i.key)).toEqual(['3f1b7a42-0d8c-4e5a-9b61-7c2d8e9fa013']);
    expect(items('KIT_TRIGGER_SUBSCRIBER_UNSUBSCRIBED', delivery(9, subscriberUnsubscribed)).map((i) => i.key)).toEqual(['b5e0c9d4-2a71-4f38-8c6e-91d04a7b2e55']);
    expect(items('KIT_TRIGGER_SUBSCRIBER_CREATED', delivery(1, subscriberCreated))[0]!.payload).toEqual(subscriberCreated);
  });
  it('iterate a batched delivery, skipping other types, events without an id and non-envelopes', () => {
    const second = { ...subscriberCreated, id: '0b7e9a11-3c5d-4f6e-8a9b-1c2d3e4f5a6b', data: { subscriber: { id: 987655, email_address: 'grace@example.com', state: 'active' } } };
    expect(items('KIT_TRIGGER_SUBSCRIBER_CREATED', delivery(2, subscriberCreated, second, subscriberActivated, { ...subscriberCreated, id: '' }, null)).map((i) => i.key))
      .toEqual([subscriberCreated.id, second.id]);
    expect(items('KIT_TRIGGER_SUBSCRIBER_CREATED', [subscriberCreated])).toEqual([]);
    expect(items('KIT_TRIGGER_SUBSCRIBER_CREATED', { delivery_id: 3 })).toEqual([]);
  });
  it('keep only the chosen form or tag when a filter is stored, every one otherwise', () => {
    expect(items('KIT_TRIGGER_FORM_SUBSCRIBED', delivery(4, subscriberSubscribedToForm)).map((i) => i.key)).toEqual([subscriberSubscribedToForm.id]);
    expect(items('KIT_TRIGGER_FORM_SUBSCRIBED', delivery(4, subscriberSubscribedToForm), { filterId: '4521' })).toHaveLength(1);
    expect(items('KIT_TRIGGER_FORM_SUBSCRIBED', delivery(4, subscriberSubscribedToForm), { filterId: '4522' })).toEqual([]);
    expect(items('KIT_TRIGGER_TAG_ADDED', delivery(5, subscriberTagAdded), { filterId: '77120' })).toHaveLength(1);
    expect(items('KIT_TRIGGER_TAG_ADDED', delivery(5, subscriberTagAdded), { filterId: '1' })).toEqual([]);
    expect(itemsOf('subscriber.tag_added', delivery(5, { ...subscriberTagAdded, data: { subscriber: {} } }), '77120', { param: 'tagId', resource: 'tag' })).toEqual([]);
  });
});

describe('form and tag id parameters', () => {
  const formFilter = { param: 'formId', resource: 'form' } as const;
  const formParam = kitIntegration.triggers.find((t) => t.type === 'KIT_TRIGGER_FORM_SUBSCRIBED')!.parameters[0]!;
  it('accept a positive id as number or digits, and empty for all', () => {
    expect(filterIdOf({}, formFilter)).toBeNull();
    expect(filterIdOf({ formId: '' }, formFilter)).toBeNull();
    expect(filterIdOf({ formId: 4521 }, formFilter)).toBe('4521');
    expect(filterIdOf({ formId: ' 4521 ' }, formFilter)).toBe('4521');
    expect(filterIdOf({ formId: '4521' }, undefined)).toBeNull();
    expect(formParam.validate!('4521')).toBeNull();
  });
  it('refuse anything else, naming the field', () => {
    for (const bad of ['abc', '0', '-3', '1/../../account', 1.5]) {
      expect(() => filterIdOf({ formId: bad }, formFilter)).toThrow(/^formId: /);
      expect(formParam.validate!(bad)).toMatch(/form id/);
    }
    expect(() => filterIdOf({ tagId: 'x' }, { param: 'tagId', resource: 'tag' })).toThrow(/^tagId: must be a Kit tag id/);
  });
});

describe('kitError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies statuses and keeps Kit\'s message', () => {
    expect(kitError(res(401, { errors: ['The access token is invalid'] }))).toMatchObject({ kind: 'auth', message: 'Kit 401: The access token is invalid' });
    expect(kitError(res(429, {}, { 'retry-after': '7' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(kitError(res(429, null), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    // Kit's documented 429 (API keys: 120 per 60 s; OAuth tokens: 600 per 60 s): plain text, no Retry-After.
    expect(kitError(res(429, 'Retry later'), 0)).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 60_000, message: 'Kit 429: Retry later' });
    expect(kitError(res(503, 'upstream down'))).toMatchObject({ kind: 'transient', status: 503, message: 'Kit 503: upstream down' });
    expect(kitError(res(502, '<html>\n<body>Bad gateway</body>\n</html>'))).toMatchObject({ kind: 'transient', message: 'Kit 502' });
    expect(kitError(res(422, { errors: ['Events foo is not a subscribable event type', 'Url is not a valid URL'] }))).toMatchObject({
      kind: 'permanent', status: 422, message: 'Kit 422: Events foo is not a subscribable event type; Url is not a valid URL',
    });
    expect(kitError(res(401, { error: 'Authorization Failed', message: 'API Key not present' })).message).toBe('Kit 401: Authorization Failed: API Key not present');
  });
});

describe('Kit account id', () => {
  const http = (status: number, body: unknown) => ({
    calls: [] as unknown[],
    async request(req: unknown) {
      this.calls.push(req);
      return { status, headers: {}, body };
    },
    get: () => Promise.reject(new Error('unused')),
    post: () => Promise.reject(new Error('unused')),
  });
  it('is the account id of GET /v4/account, with its name as extra', async () => {
    const h = http(200, { user: { email: 'ada@example.com' }, account: { id: 31337, name: 'Ada Newsletter' } });
    expect(await kitIntegration.accountId!({ http: h as never, token: { accessToken: 'x' } })).toEqual({ providerAccountId: '31337', extra: { accountName: 'Ada Newsletter' } });
    expect(h.calls).toMatchObject([{ path: '/account' }]);
  });
  it('fails with the mapped error, or when the answer has no account id', async () => {
    await expect(kitIntegration.accountId!({ http: http(401, { errors: ['The API key is invalid'] }) as never, token: { accessToken: 'x' } })).rejects.toMatchObject({ kind: 'auth' });
    await expect(kitIntegration.accountId!({ http: http(200, { account: {} }) as never, token: { accessToken: 'x' } })).rejects.toMatchObject({ kind: 'permanent' });
  });
});

describe('Kit accounts', () => {
  it('take a V4 API key (X-Kit-Api-Key) or an OAuth app token (app.kit.com, scope public); a 401 read by our calls is a refused token', () => {
    expect(kitIntegration.auth).toEqual({ kind: 'apiKey', header: 'x-kit-api-key' });
    expect(kitIntegration.alternativeAuth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://app.kit.com/oauth/authorize', tokenUrl: 'https://app.kit.com/oauth/token', scopes: ['public'] });
    const answer = (status: number) => ({ status, headers: {}, body: { errors: ['The access token is invalid'] } });
    expect([401, 403, 429].map((s) => kitIntegration.tokenRefused!(answer(s)))).toEqual([true, false, false]);
  });
});
