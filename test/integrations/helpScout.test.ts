// Help Scout triggers at the source level: registration, removal and the hourly check against the fake Help Scout
// over real HTTP, the signature scheme against an independently computed vector, item keys of Help Scout's
// published example objects (and their retries), the mailbox filter, and Help Scout's error answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { helpScoutError } from '../../src/integrations/helpScout/api.js';
import conversation from '../../src/integrations/helpScout/fixtures/conversation.json' with { type: 'json' };
import customer from '../../src/integrations/helpScout/fixtures/customer.json' with { type: 'json' };
import { helpScoutIntegration } from '../../src/integrations/helpScout/integration.js';
import { HELPSCOUT_SIGNATURE, itemKey } from '../../src/integrations/helpScout/webhooks.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { helpScoutSignature, startFakeHelpScout, type FakeHelpScout } from '../providers/helpScout.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = [
  'HELPSCOUT_TRIGGER_CONVERSATION_CREATED',
  'HELPSCOUT_TRIGGER_CONVERSATION_ASSIGNED',
  'HELPSCOUT_TRIGGER_CONVERSATION_STATUS_CHANGED',
  'HELPSCOUT_TRIGGER_CUSTOMER_REPLIED',
  'HELPSCOUT_TRIGGER_CUSTOMER_CREATED',
];

function source(type: string): WebhookSource {
  const t = helpScoutIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}

function inbound(body: unknown, event: string): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'x-helpscout-event': event }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });

describe('helpScout', () => {
  let hs: FakeHelpScout;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: '9865', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    hs = await startFakeHelpScout();
    hs.validTokens.add('valid-token');
    http = createProviderHttp({ integration: helpScoutIntegration, apiBaseUrl: hs.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await hs.close();
  });

  it('declares the triggers, OAuth 2 endpoints and the API base', () => {
    expect(helpScoutIntegration.key).toBe('helpScout');
    expect(helpScoutIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(helpScoutIntegration.auth).toMatchObject({
      kind: 'oauth2',
      authorizationUrl: 'https://secure.helpscout.net/authentication/authorizeClientApplication',
      tokenUrl: 'https://api.helpscout.net/v2/oauth2/token',
    });
    expect(helpScoutIntegration.apiBaseUrl).toBe('https://api.helpscout.net');
  });

  it('signature: base64 HMAC-SHA1 of the raw body with our secret (vector computed with openssl)', () => {
    const body = '{"id":10,"status":"active"}';
    const signature = '5tG2ghKnEX7KCk14G73d/n//62Q=';
    expect(helpScoutSignature('my-secret-key', body)).toBe(signature);
    const req = { method: 'POST', url: '/hooks/s/x', headers: { 'x-helpscout-signature': signature }, rawBody: Buffer.from(body) };
    expect(verifyRequest(HELPSCOUT_SIGNATURE, req, { secret: 'my-secret-key' }, Date.now())).toEqual({ ok: true });
    expect(signRequest(HELPSCOUT_SIGNATURE, req, { secret: 'my-secret-key' }, Date.now())).toEqual({ 'x-helpscout-signature': signature });
    expect(verifyRequest(HELPSCOUT_SIGNATURE, req, { secret: 'other' }, Date.now())).toMatchObject({ ok: false });
    expect(verifyRequest(HELPSCOUT_SIGNATURE, { ...req, rawBody: Buffer.from(body.replace('10', '11')) }, { secret: 'my-secret-key' }, Date.now())).toMatchObject({ ok: false });
    expect(verifyRequest(HELPSCOUT_SIGNATURE, { ...req, headers: {} }, { secret: 'my-secret-key' }, Date.now())).toMatchObject({ ok: false });
  });

  it('keys: the same body (a retry) gives the same key; a later change gives another', () => {
    expect(itemKey('convo.created', conversation)).toBe('10');
    expect(itemKey('customer.created', customer)).toBe('29418');
    expect(itemKey('convo.assigned', conversation)).toBe('10:9865:2012-10-10T12:00:00Z');
    expect(itemKey('convo.assigned', { ...conversation, assignee: null, userUpdatedAt: '2012-10-11T09:00:00Z' })).toBe('10:unassigned:2012-10-11T09:00:00Z');
    expect(itemKey('convo.status', conversation)).toBe('10:active:2012-10-10T12:00:00Z');
    expect(itemKey('convo.status', { ...conversation, status: 'closed', userUpdatedAt: '2012-10-12T08:00:00Z' })).toBe('10:closed:2012-10-12T08:00:00Z');
    // The reply: the newest customer thread, not the agent's message.
    expect(itemKey('convo.customer.reply.created', conversation)).toBe('10:thread:2198262392');
    const later = { ...conversation, _embedded: { threads: [{ id: 2198262999, type: 'customer', createdAt: '2012-10-13T08:00:00Z' }, ...conversation._embedded.threads] } };
    expect(itemKey('convo.customer.reply.created', later)).toBe('10:thread:2198262999');
    expect(itemKey('convo.customer.reply.created', { ...conversation, _embedded: { threads: [] } })).toBe('10:2012-10-10T12:00:00Z');
    expect(itemKey('convo.status', { id: 10 })).toBeNull();
    expect(itemKey('convo.created', { id: 'x' })).toBeNull();

    const s = source('HELPSCOUT_TRIGGER_CUSTOMER_REPLIED');
    const first = s.toItems(inbound(conversation, 'convo.customer.reply.created'), ctx());
    const retry = s.toItems(inbound(conversation, 'convo.customer.reply.created'), ctx());
    expect(first).toEqual(retry);
    expect(first).toEqual([{ key: '10:thread:2198262392', payload: conversation, occurredAt: Date.parse('2012-10-10T12:00:00Z') }]);
  });

  it('toItems: another event at this URL, a malformed body and another mailbox give nothing', () => {
    const s = source('HELPSCOUT_TRIGGER_CONVERSATION_CREATED');
    expect(s.toItems(inbound(conversation, 'convo.status'), ctx())).toEqual([]);
    expect(s.toItems(inbound({ nope: true }, 'convo.created'), ctx())).toEqual([]);
    expect(s.toItems(inbound(conversation, 'convo.created'), ctx({ mailboxId: '85' }))).toHaveLength(1);
    expect(s.toItems(inbound(conversation, 'convo.created'), ctx({ mailboxId: '86' }))).toEqual([]);
    expect(source('HELPSCOUT_TRIGGER_CUSTOMER_CREATED').toItems(inbound(customer, 'customer.created'), ctx())).toEqual([
      { key: '29418', payload: customer, occurredAt: Date.parse('2012-07-23T12:34:12Z') },
    ]);
  });

  it('registers with our 40-character secret, checks and deletes the webhook over HTTP', async () => {
    const s = source('HELPSCOUT_TRIGGER_CONVERSATION_STATUS_CHANGED');
    const reg = await s.register({ ...ctx({ mailboxId: '85' }), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'a'.repeat(24) + 'b'.repeat(40) });
    expect(reg).toEqual({ state: { webhookId: '1000' }, secret: 'a'.repeat(24) + 'b'.repeat(16) });
    expect(hs.hooks.get(1000)).toMatchObject({
      url: 'https://ot.example/hooks/s/sub-1', events: ['convo.status'], secret: reg.secret, payloadVersion: 'V2', mailboxIds: [85], state: 'enabled',
    });
    expect(await s.check!(ctx({}, reg.state))).toBe('active');
    hs.hooks.get(1000)!.state = 'disabled';
    expect(await s.check!(ctx({}, reg.state))).toBe('inactive');
    await s.unregister(ctx({}, reg.state));
    expect(hs.hooks.size).toBe(0);
    expect(await s.check!(ctx({}, reg.state))).toBe('gone');
    await s.unregister(ctx({}, reg.state)); // already gone: fine
    // customer.created cannot be filtered by mailbox: no mailboxIds sent.
    await source('HELPSCOUT_TRIGGER_CUSTOMER_CREATED').register({ ...ctx({ mailboxId: '85' }), hookUrl: 'https://ot.example/hooks/s/sub-2', secret: 'c'.repeat(64) });
    expect(hs.hooks.get(1001)).toMatchObject({ events: ['customer.created'], mailboxIds: [] });
  });

  it('maps errors: 401 auth, 429 with X-RateLimit-Retry-After, 5xx transient, else permanent with the message', async () => {
    expect(helpScoutError(res(401, { error: 'invalid_token' }))).toMatchObject({ kind: 'auth', status: 401 });
    const limited = helpScoutError(res(429, { message: 'Too many requests' }, { 'x-ratelimit-retry-after': '17' }));
    expect(limited).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(limited.retryAfterMs).toBe(17_000);
    expect(helpScoutError(res(503, {}))).toMatchObject({ kind: 'transient' });
    const bad = helpScoutError(res(400, { logref: 'Validation error', message: 'Bad request', _embedded: { errors: [{ path: 'url', message: 'must be a valid URL' }] } }));
    expect(bad).toMatchObject({ kind: 'permanent', message: 'Help Scout 400: Bad request; url: must be a valid URL' });

    const s = source('HELPSCOUT_TRIGGER_CONVERSATION_CREATED');
    const register = () => s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });
    hs.failNext(1, 429, { message: 'Too many requests' }, { 'x-ratelimit-retry-after': '5' });
    await expect(register()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
    hs.failNext(1, 403, { message: 'Forbidden' });
    await expect(register()).rejects.toMatchObject({ kind: 'permanent', message: 'Help Scout 403: Forbidden' });
    hs.failNext(1, 401, { error: 'invalid_token' });
    const err = await register().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('auth');
    expect((err as ProviderError).message).not.toContain('valid-token');
    expect(hs.hooks.size).toBe(0);
  });
});
