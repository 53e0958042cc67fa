// Salesloft triggers at the source level: registration, removal and the hourly check against the fake Salesloft
// over real HTTP, the signature scheme against an independently computed vector (openssl), item keys of the
// example objects (and their retries), the cadence filter, the account lookup and Salesloft's error answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { currentUser, salesloftError } from '../../src/integrations/salesloft/api.js';
import membership from '../../src/integrations/salesloft/fixtures/cadence-membership.json' with { type: 'json' };
import call from '../../src/integrations/salesloft/fixtures/call.json' with { type: 'json' };
import meeting from '../../src/integrations/salesloft/fixtures/meeting.json' with { type: 'json' };
import person from '../../src/integrations/salesloft/fixtures/person.json' with { type: 'json' };
import { salesloftIntegration } from '../../src/integrations/salesloft/integration.js';
import { SALESLOFT_SIGNATURE, itemKey, resourceOf } from '../../src/integrations/salesloft/webhooks.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { salesloftSignature, startFakeSalesloft, type FakeSalesloft } from '../providers/salesloft.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = [
  'SALESLOFT_TRIGGER_PERSON_CREATED',
  'SALESLOFT_TRIGGER_PERSON_UPDATED',
  'SALESLOFT_TRIGGER_CADENCE_MEMBERSHIP_CREATED',
  'SALESLOFT_TRIGGER_CALL_CREATED',
  'SALESLOFT_TRIGGER_MEETING_BOOKED',
];

function source(type: string): WebhookSource {
  const t = salesloftIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}

function inbound(body: unknown, event: string): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'x-salesloft-event': event }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });

describe('salesloft', () => {
  let sl: FakeSalesloft;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: '4521', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    sl = await startFakeSalesloft();
    sl.validTokens.add('valid-token');
    http = createProviderHttp({ integration: salesloftIntegration, apiBaseUrl: sl.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await sl.close();
  });

  it('declares the triggers, OAuth 2 endpoints and the API base', () => {
    expect(salesloftIntegration.key).toBe('salesloft');
    expect(salesloftIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(salesloftIntegration.auth).toMatchObject({
      kind: 'oauth2',
      authorizationUrl: 'https://accounts.salesloft.com/oauth/authorize',
      tokenUrl: 'https://accounts.salesloft.com/oauth/token',
      clientAuth: 'body',
      tokenRequestEncoding: 'json',
    });
    expect(salesloftIntegration.apiBaseUrl).toBe('https://api.salesloft.com/v2');
    // The key is the subscription's own callback token, not an app-wide key.
    for (const t of TYPES) expect(source(t).appSigningKey).toBeUndefined();
  });

  it('account: GET /v2/me gives the user id, guid and team', async () => {
    expect(await currentUser(http)).toEqual({ id: '4521', guid: '51398ccd-309e-467f-aae2-4b0f66b5c11d', teamId: '16' });
    expect(sl.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v2/me', auth: 'Bearer valid-token' });
  });

  it('signature: hex HMAC-SHA1 of the raw body keyed with the callback token (vector computed with openssl)', () => {
    const body = '{"id":1,"first_name":"Pat"}';
    const signature = 'e342076341cc8558211e335247cf36133b7ffc21';
    expect(salesloftSignature('my-callback-token', body)).toBe(signature);
    const req = { method: 'POST', url: '/hooks/s/x', headers: { 'x-salesloft-signature': signature }, rawBody: Buffer.from(body) };
    expect(verifyRequest(SALESLOFT_SIGNATURE, req, { secret: 'my-callback-token' }, Date.now())).toEqual({ ok: true });
    expect(signRequest(SALESLOFT_SIGNATURE, req, { secret: 'my-callback-token' }, Date.now())).toEqual({ 'x-salesloft-signature': signature });
    expect(verifyRequest(SALESLOFT_SIGNATURE, req, { secret: 'other' }, Date.now())).toMatchObject({ ok: false });
    expect(verifyRequest(SALESLOFT_SIGNATURE, { ...req, rawBody: Buffer.from(body.replace('Pat', 'Pam')) }, { secret: 'my-callback-token' }, Date.now())).toMatchObject({ ok: false });
    expect(verifyRequest(SALESLOFT_SIGNATURE, { ...req, headers: {} }, { secret: 'my-callback-token' }, Date.now())).toMatchObject({ ok: false });
  });

  it('keys: object id for created/booked, id + updated_at for person updates; a retry gives the same key', () => {
    expect(itemKey('person_created', person)).toBe('1');
    expect(itemKey('cadence_membership_created', membership)).toBe('1');
    expect(itemKey('call_created', call)).toBe('1');
    expect(itemKey('meeting_booked', meeting)).toBe('1');
    expect(itemKey('person_updated', person)).toBe('1:2024-01-02T08:30:00.000000-05:00');
    expect(itemKey('person_updated', { ...person, updated_at: '2024-01-03T09:00:00.000000-05:00' })).toBe('1:2024-01-03T09:00:00.000000-05:00');
    expect(itemKey('person_updated', { id: 1 })).toBeNull();
    expect(itemKey('person_created', { id: 'abc' })).toBeNull();
    expect(itemKey('call_created', { id: -4 })).toBeNull();

    const s = source('SALESLOFT_TRIGGER_PERSON_UPDATED');
    const first = s.toItems(inbound(person, 'person_updated'), ctx());
    expect(first).toEqual(s.toItems(inbound(person, 'person_updated'), ctx()));
    expect(first).toEqual([{ key: '1:2024-01-02T08:30:00.000000-05:00', payload: person, occurredAt: Date.parse(person.updated_at) }]);
    expect(source('SALESLOFT_TRIGGER_CALL_CREATED').toItems(inbound(call, 'call_created'), ctx())).toEqual([
      { key: '1', payload: call, occurredAt: Date.parse(call.created_at) },
    ]);
  });

  it('toItems: another event at this URL, a malformed body and another cadence give nothing; a data envelope is unwrapped', () => {
    const s = source('SALESLOFT_TRIGGER_CADENCE_MEMBERSHIP_CREATED');
    expect(s.toItems(inbound(membership, 'cadence_membership_updated'), ctx())).toEqual([]);
    expect(s.toItems(inbound({ nope: true }, 'cadence_membership_created'), ctx())).toEqual([]);
    expect(s.toItems(inbound([membership], 'cadence_membership_created'), ctx())).toEqual([]);
    expect(s.toItems(inbound(membership, 'cadence_membership_created'), ctx({ cadenceId: '1' }))).toHaveLength(1);
    expect(s.toItems(inbound(membership, 'cadence_membership_created'), ctx({ cadenceId: '2' }))).toEqual([]);
    expect(s.toItems(inbound({ data: membership }, 'cadence_membership_created'), ctx())).toEqual([
      { key: '1', payload: membership, occurredAt: Date.parse(membership.created_at) },
    ]);
    expect(resourceOf(null)).toBeNull();
  });

  it('cadenceId is validated, naming the field', () => {
    const t = salesloftIntegration.triggers.find((x) => x.type === 'SALESLOFT_TRIGGER_CADENCE_MEMBERSHIP_CREATED')!;
    const p = t.parameters.find((x) => x.id === 'cadenceId')!;
    expect(p.validate!('123')).toBeNull();
    expect(p.validate!('my cadence')).toBe('must be a Salesloft cadence id (digits)');
  });

  it('registers with our callback token, checks and deletes the webhook subscription over HTTP', async () => {
    const s = source('SALESLOFT_TRIGGER_MEETING_BOOKED');
    const secret = 'ab'.repeat(32);
    const reg = await s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-1', secret });
    expect(reg).toEqual({ state: { webhookSubscriptionId: '500' } });
    expect(sl.subscriptions.get(500)).toMatchObject({ callback_url: 'https://ot.example/hooks/s/sub-1', callback_token: secret, event_type: 'meeting_booked', enabled: true });
    expect(await s.check!(ctx({}, reg.state))).toBe('active');
    sl.subscriptions.get(500)!.enabled = false;
    expect(await s.check!(ctx({}, reg.state))).toBe('inactive');
    await s.unregister(ctx({}, reg.state));
    expect(sl.subscriptions.size).toBe(0);
    expect(sl.deletedSubscriptions.map((x) => x.id)).toEqual([500]);
    expect(await s.check!(ctx({}, reg.state))).toBe('gone');
    await s.unregister(ctx({}, reg.state)); // already gone: fine
    expect(await s.check!(ctx({}, {}))).toBe('gone');
  });

  it('maps errors: 401 auth, 429 with Retry-After, 5xx transient, else permanent with the message', async () => {
    expect(salesloftError(res(401, { error: 'invalid_token', error_description: 'The access token is invalid' }))).toMatchObject({
      kind: 'auth', status: 401, message: 'Salesloft 401: invalid_token; The access token is invalid',
    });
    const limited = salesloftError(res(429, { error: 'Rate limit exceeded' }, { 'retry-after': '17' }));
    expect(limited).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 17_000 });
    expect(salesloftError(res(429, {})).retryAfterMs).toBe(60_000);
    expect(salesloftError(res(503, {}))).toMatchObject({ kind: 'transient', status: 503 });
    expect(salesloftError(res(422, { errors: { callback_url: ['is invalid'] } }))).toMatchObject({ kind: 'permanent', message: 'Salesloft 422: callback_url: is invalid' });
    expect(salesloftError(res(422, { errors: [{ attribute: 'event_type', message: 'is not included' }] })).message).toBe('Salesloft 422: event_type: is not included');

    const s = source('SALESLOFT_TRIGGER_PERSON_CREATED');
    const register = () => s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });
    sl.failNext(1, 429, { error: 'Too many requests' }, { 'retry-after': '5' });
    await expect(register()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
    sl.failNext(1, 403, { error: 'Forbidden', error_description: 'Insufficient scope for this resource' });
    await expect(register()).rejects.toMatchObject({ kind: 'permanent', message: 'Salesloft 403: Forbidden; Insufficient scope for this resource' });
    sl.failNext(1, 502);
    await expect(register()).rejects.toMatchObject({ kind: 'transient' });
    sl.validTokens.clear();
    const err = await register().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('auth');
    expect((err as ProviderError).message).not.toContain('valid-token');
    expect(sl.subscriptions.size).toBe(0);
  });
});
