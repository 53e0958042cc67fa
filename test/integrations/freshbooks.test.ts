// FreshBooks triggers at the source level against the fake FreshBooks over real HTTP: the account id from
// users/me, callback registration, the verifier handover (confirmed with PUT, refused when forged or not
// expected), the signature scheme against an independently computed json.dumps vector, reading objects back,
// the hourly check, and FreshBooks' error answers.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { freshBooksError } from '../../src/integrations/freshbooks/api.js';
import { FRESHBOOKS_SIGNATURE } from '../../src/integrations/freshbooks/callbacks.js';
import estimate from '../../src/integrations/freshbooks/fixtures/estimate.json' with { type: 'json' };
import { freshbooksIntegration } from '../../src/integrations/freshbooks/integration.js';
import { ProviderError, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeFreshBooks, type FakeFreshBooks } from '../providers/freshbooks.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = ['FRESHBOOKS_TRIGGER_INVOICE_CREATED', 'FRESHBOOKS_TRIGGER_PAYMENT_CREATED', 'FRESHBOOKS_TRIGGER_CLIENT_CREATED', 'FRESHBOOKS_TRIGGER_ESTIMATE_CREATED'];

function source(type: string): WebhookSource {
  const t = freshbooksIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}

function formRequest(fields: Record<string, string>, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(new URLSearchParams(fields).toString());
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, rawBody, body: fields };
}

describe('freshbooks', () => {
  let fb: FakeFreshBooks;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: '6BApk', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    fb = await startFakeFreshBooks();
    fb.validTokens.add('valid-token');
    http = createProviderHttp({ integration: freshbooksIntegration, apiBaseUrl: fb.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await fb.close();
  });

  it('declares the triggers, OAuth 2 endpoints (JSON token requests) and the API base', () => {
    expect(freshbooksIntegration.key).toBe('freshbooks');
    expect(freshbooksIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(freshbooksIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://auth.freshbooks.com/oauth/authorize', tokenUrl: 'https://api.freshbooks.com/auth/oauth/token', tokenRequestEncoding: 'json',
    });
    expect(freshbooksIntegration.apiBaseUrl).toBe('https://api.freshbooks.com');
  });

  it('takes the account id of the first business membership', async () => {
    const found = await freshbooksIntegration.accountId!({ http, token: { accessToken: 'valid-token' } });
    expect(found).toMatchObject({ providerAccountId: '6BApk', extra: { accountId: '6BApk', businessId: '6543', identityId: '1234' } });
  });

  it('verifies X-FreshBooks-Hmac-SHA256 over json.dumps of the form, keyed with the verifier', () => {
    const fields = { name: 'invoice.create', object_id: '1234567', account_id: '6BApk', business_id: '6543', identity_id: '1234', user_id: '1' };
    const text = '{"name": "invoice.create", "object_id": "1234567", "account_id": "6BApk", "business_id": "6543", "identity_id": "1234", "user_id": "1"}';
    const signature = createHmac('sha256', 'the-verifier').update(text).digest('base64');
    const req = formRequest(fields, { 'x-freshbooks-hmac-sha256': signature });
    expect(verifyRequest(FRESHBOOKS_SIGNATURE, req, { secret: 'the-verifier' }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(FRESHBOOKS_SIGNATURE, req, { secret: 'other' }, Date.now()).ok).toBe(false);
  });

  it('registers an unverified callback, accepts only its own genuine verifier once, reads the object back, deletes it', async () => {
    const s = source('FRESHBOOKS_TRIGGER_ESTIMATE_CREATED');
    const reg = await s.register({ ...ctx(), hookUrl: 'https://hooks.example/s/1', secret: 'unused' });
    expect(reg.state).toEqual({ accountId: '6BApk', callbackId: '2001', verified: false });
    const cb = fb.callbacks.get(2001)!;
    expect(cb).toMatchObject({ event: 'estimate.create', uri: 'https://hooks.example/s/1' });
    expect(await s.check!(ctx({}, reg.state))).toBe('inactive');

    const verify = (verifier: string, objectId = '2001') => formRequest({ name: 'callback.verify', object_id: objectId, verifier });
    expect(s.keyHandover!.match(verify('x'))).toBe(true);
    expect(s.keyHandover!.match(formRequest({ name: 'estimate.create', object_id: '1' }))).toBe(false);
    await expect(s.keyHandover!.accept(verify('forged'), ctx({}, reg.state))).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('Invalid verifier') });
    expect(await s.keyHandover!.accept(verify(cb.verifier, '2002'), ctx({}, reg.state))).toBeNull();
    const accepted = await s.keyHandover!.accept(verify(cb.verifier), ctx({}, reg.state));
    expect(accepted).toEqual({ secret: cb.verifier, state: { ...reg.state, verified: true } });
    expect(await s.keyHandover!.accept(verify(cb.verifier), ctx({}, accepted!.state))).toBeNull();
    expect(await s.check!(ctx({}, accepted!.state))).toBe('active');

    fb.objects.set(`estimates/estimates/${estimate.id}`, estimate);
    const delivery = (objectId: string, name = 'estimate.create', account = '6BApk') => formRequest({ name, object_id: objectId, account_id: account, business_id: '6543' });
    expect(await s.toItems(delivery(String(estimate.id)), ctx({}, accepted!.state))).toEqual([{ key: '4410', payload: estimate }]);
    expect(await s.toItems(delivery('999'), ctx({}, accepted!.state))).toEqual([]);
    expect(await s.toItems(delivery(String(estimate.id), 'invoice.create'), ctx({}, accepted!.state))).toEqual([]);
    expect(await s.toItems(delivery(String(estimate.id), 'estimate.create', 'zzz'), ctx({}, accepted!.state))).toEqual([]);
    await expect(s.toItems(delivery('abc'), ctx({}, accepted!.state))).rejects.toBeInstanceOf(ProviderError);
    expect(s.deliveryId!(delivery('4410'))).toBe('estimate.create:4410');

    await s.unregister(ctx({}, accepted!.state));
    expect(fb.callbacks.size).toBe(0);
    await s.unregister(ctx({}, accepted!.state)); // already gone: no error
    expect(await s.check!(ctx({}, accepted!.state))).toBe('gone');
  });

  it('validates the accountId parameter and maps FreshBooks errors', () => {
    const param = freshbooksIntegration.triggers[0]!.parameters.find((p) => p.id === 'accountId')!;
    expect(param.validate!('6BApk')).toBeNull();
    expect(param.validate!('')).toBeNull();
    expect(param.validate!('../x')).toMatch(/account_id/);
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
    expect(freshBooksError(res(401, { error_description: 'This action requires authentication' }), 0)).toMatchObject({ kind: 'auth', message: 'FreshBooks 401: This action requires authentication' });
    expect(freshBooksError(res(429, {}, { 'retry-after': '7' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(freshBooksError(res(503, {}), 0).kind).toBe('transient');
    expect(freshBooksError(res(422, { response: { errors: [{ message: 'Invalid field' }] } }), 0)).toMatchObject({ kind: 'permanent', message: 'FreshBooks 422: Invalid field' });
  });
});
