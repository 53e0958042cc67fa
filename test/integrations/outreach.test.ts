// Outreach triggers at the source level: registration (with the JSON:API media type Outreach requires), removal
// and the hourly check against the fake Outreach over real HTTP, the signature scheme against a vector computed
// with openssl, item keys of each event (and their retries), the sequence filter, and Outreach's error answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { outreachError } from '../../src/integrations/outreach/api.js';
import * as fx from '../../src/integrations/outreach/fixtures/events.js';
import { outreachIntegration } from '../../src/integrations/outreach/integration.js';
import { OUTREACH_SIGNATURE } from '../../src/integrations/outreach/webhooks.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { outreachSignature, startFakeOutreach, type FakeOutreach } from '../providers/outreach.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = [
  'OUTREACH_TRIGGER_PROSPECT_CREATED',
  'OUTREACH_TRIGGER_PROSPECT_UPDATED',
  'OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE',
  'OUTREACH_TRIGGER_EMAIL_DELIVERED',
  'OUTREACH_TRIGGER_EMAIL_REPLIED',
  'OUTREACH_TRIGGER_CALL_CREATED',
];

function source(type: string): WebhookSource<any> {
  const t = outreachIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source;
}

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });

describe('outreach', () => {
  let fake: FakeOutreach;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeOutreach();
    fake.validTokens.add('valid-token');
    http = createProviderHttp({ integration: outreachIntegration, apiBaseUrl: fake.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the triggers, OAuth 2 endpoints, scopes and the API base', () => {
    expect(outreachIntegration.key).toBe('outreach');
    expect(outreachIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(outreachIntegration.auth).toMatchObject({
      kind: 'oauth2',
      authorizationUrl: 'https://api.outreach.io/oauth/authorize',
      tokenUrl: 'https://api.outreach.io/oauth/token',
      scopes: expect.arrayContaining(['webhooks.all', 'prospects.read']),
    });
    expect(outreachIntegration.apiBaseUrl).toBe('https://api.outreach.io/api/v2');
  });

  it('signature: hex HMAC-SHA256 of the raw body with our secret (vector computed with openssl)', () => {
    const body = '{"data":{"type":"prospect","id":1},"meta":{"eventName":"prospect.created"}}';
    const signature = 'a5f53e8d510260bc9ddc5d86994a5582a70ecc2f55abff4f3ab9f16ca31693ef';
    expect(outreachSignature('my-secret-key', body)).toBe(signature);
    const req = { method: 'POST', url: '/hooks/s/x', headers: { 'outreach-webhook-signature': signature }, rawBody: Buffer.from(body) };
    expect(verifyRequest(OUTREACH_SIGNATURE, req, { secret: 'my-secret-key' }, Date.now())).toEqual({ ok: true });
    expect(signRequest(OUTREACH_SIGNATURE, req, { secret: 'my-secret-key' }, Date.now())).toEqual({ 'outreach-webhook-signature': signature });
    expect(verifyRequest(OUTREACH_SIGNATURE, req, { secret: 'other' }, Date.now())).toMatchObject({ ok: false });
    expect(verifyRequest(OUTREACH_SIGNATURE, { ...req, rawBody: Buffer.from(body.replace('1', '2')) }, { secret: 'my-secret-key' }, Date.now())).toMatchObject({ ok: false });
    expect(verifyRequest(OUTREACH_SIGNATURE, { ...req, headers: {} }, { secret: 'my-secret-key' }, Date.now())).toMatchObject({ ok: false });
  });

  it('keys: created/delivered by object id, updates by id and updatedAt, replies by id and repliedAt; a retry keeps its key', () => {
    const items = (type: string, body: unknown, params: Record<string, unknown> = {}) => source(type).toItems(inbound(body), ctx(params));
    expect(items('OUTREACH_TRIGGER_PROSPECT_CREATED', fx.prospectCreated)).toEqual([
      { key: '4201', payload: fx.prospectCreated, occurredAt: Date.parse('2025-03-04T10:15:00.000Z') },
    ]);
    expect(items('OUTREACH_TRIGGER_PROSPECT_UPDATED', fx.prospectUpdated)).toEqual([
      { key: '4201:2025-03-05T08:00:00.000Z', payload: fx.prospectUpdated, occurredAt: Date.parse('2025-03-05T08:00:00.000Z') },
    ]);
    const later = { ...fx.prospectUpdated, data: { ...fx.prospectUpdated.data, attributes: { title: 'CEO', updatedAt: '2025-03-09T08:00:00.000Z' } } };
    expect(items('OUTREACH_TRIGGER_PROSPECT_UPDATED', later)).toMatchObject([{ key: '4201:2025-03-09T08:00:00.000Z' }]);
    // An update without updatedAt cannot be keyed apart from other updates: ignored, not delivered twice.
    expect(items('OUTREACH_TRIGGER_PROSPECT_UPDATED', { ...fx.prospectUpdated, data: { ...fx.prospectUpdated.data, attributes: { title: 'x' } } })).toEqual([]);
    expect(items('OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE', fx.sequenceStateCreated)).toMatchObject([{ key: '9001' }]);
    expect(items('OUTREACH_TRIGGER_EMAIL_DELIVERED', fx.mailingDelivered)).toMatchObject([{ key: '31337', occurredAt: Date.parse('2025-03-05T09:35:00.000Z') }]);
    expect(items('OUTREACH_TRIGGER_EMAIL_REPLIED', fx.mailingReplied)).toMatchObject([{ key: '31337:2025-03-06T14:02:00.000Z' }]);
    expect(items('OUTREACH_TRIGGER_CALL_CREATED', fx.callCreated)).toMatchObject([{ key: '808' }]);
    expect(items('OUTREACH_TRIGGER_CALL_CREATED', fx.callCreated)).toEqual(items('OUTREACH_TRIGGER_CALL_CREATED', fx.callCreated));
    expect(source('OUTREACH_TRIGGER_CALL_CREATED').deliveryId!(inbound(fx.callCreated, { 'outreach-webhook-id': 'abc-123' }))).toBe('abc-123');
  });

  it('toItems: another resource or event at this URL, a malformed body and another sequence give nothing', () => {
    const s = source('OUTREACH_TRIGGER_EMAIL_REPLIED');
    expect(s.toItems(inbound(fx.mailingDelivered), ctx())).toEqual([]);
    expect(s.toItems(inbound(fx.callCreated), ctx())).toEqual([]);
    expect(s.toItems(inbound({ nope: true }), ctx())).toEqual([]);
    expect(s.toItems(inbound({ data: { type: 'mailing', id: 'abc' }, meta: { eventName: 'mailing.replied' } }), ctx())).toEqual([]);
    const seq = source('OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE');
    expect(seq.toItems(inbound(fx.sequenceStateCreated), ctx({ sequenceId: '55' }))).toHaveLength(1);
    expect(seq.toItems(inbound(fx.sequenceStateCreated), ctx({ sequenceId: '56' }))).toEqual([]);
    const param = outreachIntegration.triggers.find((t) => t.type === 'OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE')!.parameters[0]!;
    expect(param.id).toBe('sequenceId');
    expect(param.validate!('55')).toBeNull();
    expect(param.validate!('my sequence')).toBe('must be an Outreach sequence id (digits)');
  });

  it('registers with the JSON:API media type and our secret, checks and deletes the webhook over HTTP', async () => {
    const s = source('OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE');
    const secret = 'a'.repeat(64);
    const reg = await s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-1', secret });
    expect(reg).toEqual({ state: { webhookId: '1' }, secret });
    expect(fake.hooks.get(1)).toEqual({ id: 1, url: 'https://ot.example/hooks/s/sub-1', resource: 'sequenceState', action: 'created', secret, active: true });
    const post = fake.requests.find((r) => r.method === 'POST')!;
    expect([post.contentType, post.auth]).toEqual(['application/vnd.api+json', 'Bearer valid-token']);
    expect(post.body).toEqual({ data: { type: 'webhook', attributes: { url: 'https://ot.example/hooks/s/sub-1', resource: 'sequenceState', action: 'created', secret } } });
    expect(await s.check!(ctx({}, reg.state))).toBe('active');
    fake.hooks.get(1)!.active = false;
    expect(await s.check!(ctx({}, reg.state))).toBe('inactive');
    await s.unregister(ctx({}, reg.state));
    expect(fake.hooks.size).toBe(0);
    expect(await s.check!(ctx({}, reg.state))).toBe('gone');
    await s.unregister(ctx({}, reg.state)); // already gone: fine
  });

  it('maps errors: 401 auth, 429 with Retry-After, 5xx transient, else permanent with the JSON:API text', async () => {
    const now = Date.now();
    expect(outreachError(res(401, { errors: [{ id: 'unauthorized', title: 'Unauthorized' }] }), now)).toMatchObject({ kind: 'auth', status: 401 });
    const limited = outreachError(res(429, { errors: [{ id: 'rateLimitExceeded', title: 'Rate Limit Exceeded' }] }, { 'retry-after': '17' }), now);
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 17_000]);
    expect(outreachError(res(429, {}), now).retryAfterMs).toBe(60_000);
    expect(outreachError(res(503, {}), now)).toMatchObject({ kind: 'transient' });
    expect(outreachError(res(422, { errors: [{ id: 'validationError', title: 'Validation Error', detail: 'url is invalid', source: { pointer: '/data/attributes/url' } }] }), now))
      .toMatchObject({ kind: 'permanent', message: 'Outreach 422: /data/attributes/url: Validation Error — url is invalid' });

    const s = source('OUTREACH_TRIGGER_PROSPECT_CREATED');
    const register = () => s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });
    fake.failNext(1, 429, { errors: [{ id: 'rateLimitExceeded', title: 'Rate Limit Exceeded' }] }, { 'retry-after': '5' });
    await expect(register()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
    fake.failNext(1, 403, { errors: [{ id: 'unauthorizedOauthScope', title: 'Unauthorized OAuth Scope', detail: 'webhooks.all is required' }] });
    await expect(register()).rejects.toMatchObject({ kind: 'permanent', message: 'Outreach 403: Unauthorized OAuth Scope — webhooks.all is required' });
    fake.failNext(1, 401, { errors: [{ id: 'unauthorized', title: 'Unauthorized' }] });
    const err = await register().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('auth');
    expect((err as ProviderError).message).not.toContain('valid-token');
    expect((err as ProviderError).message).not.toContain('f'.repeat(64));
    expect(fake.hooks.size).toBe(0);
    // Without the JSON:API media type Outreach answers 415: the request the integration sends carries it.
    const plain = await http.request({ method: 'POST', path: '/webhooks', json: { data: { type: 'webhook', attributes: {} } }, allowStatus: [415] });
    expect(plain.status).toBe(415);
  });
});
