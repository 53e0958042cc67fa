// Calendly triggers at the source level: registration and removal against the fake Calendly over real HTTP,
// the signature scheme against the documented computation, and the mapping of webhook bodies to items.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { calendlyIntegration } from '../../src/integrations/calendly/integration.js';
import { CALENDLY_SIGNATURE } from '../../src/integrations/calendly/webhooks.js';
import inviteeCanceled from '../../src/integrations/calendly/fixtures/invitee-canceled.json' with { type: 'json' };
import inviteeCreated from '../../src/integrations/calendly/fixtures/invitee-created.json' with { type: 'json' };
import { signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { calendlySignature, startFakeCalendly, type FakeCalendly } from '../providers/calendly.js';

const silent = { debug() {}, info() {}, warn() {} };

function source(type: string): WebhookSource {
  const t = calendlyIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source;
}

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('calendly', () => {
  let cal: FakeCalendly;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { scope: 'user' }, extra: Record<string, unknown> = {}) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: cal.userUri, extra }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    cal = await startFakeCalendly();
    cal.validTokens.add('valid-token');
    http = createProviderHttp({ integration: calendlyIntegration, apiBaseUrl: cal.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await cal.close();
  });

  it('declares the binding trigger types, OAuth with PKCE and Basic client auth, and the API host', () => {
    expect(calendlyIntegration.triggers.map((t) => t.type)).toEqual(['CALENDLY_TRIGGER_INVITEE_CREATED', 'CALENDLY_TRIGGER_INVITEE_CANCELED']);
    expect(calendlyIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://auth.calendly.com/oauth/authorize', tokenUrl: 'https://auth.calendly.com/oauth/token', pkce: true, clientAuth: 'basic',
    });
    expect(calendlyIntegration.apiBaseUrl).toBe('https://api.calendly.com');
    for (const t of calendlyIntegration.triggers) expect(t.docsUrl).toMatch(/^https:\/\/developer\.calendly\.com\//);
  });

  it('identifies the user and keeps the user and organization URIs at connect', async () => {
    expect(await calendlyIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({
      providerAccountId: cal.userUri, extra: { userUri: cal.userUri, organizationUri: cal.organizationUri },
    });
  });

  describe('signature', () => {
    it('matches the documented computation (fact-sheet vector) and rejects tampering, other keys and stale timestamps', () => {
      const body = '{"event":"invitee.created","payload":{}}';
      const header = 't=1700000000,v1=547244bc7adc5e9c023363b3ecea2a6595733afc0865dce490224fb788f25c72';
      expect(calendlySignature('test_signing_key', 1700000000, body)).toBe(header);
      const req = { method: 'POST', url: '/hooks/s/x', headers: { 'calendly-webhook-signature': header }, rawBody: Buffer.from(body) };
      const at = 1700000000 * 1000;
      expect(verifyRequest(CALENDLY_SIGNATURE, req, { secret: 'test_signing_key' }, at + 60_000)).toEqual({ ok: true });
      expect(signRequest(CALENDLY_SIGNATURE, req, { secret: 'test_signing_key' }, at)).toEqual({ 'calendly-webhook-signature': header });
      expect(verifyRequest(CALENDLY_SIGNATURE, req, { secret: 'other' }, at).ok).toBe(false);
      expect(verifyRequest(CALENDLY_SIGNATURE, { ...req, rawBody: Buffer.from(body.replace('created', 'canceled')) }, { secret: 'test_signing_key' }, at).ok).toBe(false);
      expect(verifyRequest(CALENDLY_SIGNATURE, req, { secret: 'test_signing_key' }, at + 181_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
      expect(verifyRequest(CALENDLY_SIGNATURE, { ...req, headers: {} }, { secret: 'test_signing_key' }, at)).toMatchObject({ ok: false });
    });
  });

  describe('register / unregister', () => {
    it('creates a user-scoped subscription for the trigger\'s event with our URL and signing key, and deletes it', async () => {
      const s = source('CALENDLY_TRIGGER_INVITEE_CREATED');
      const reg = await s.register({ ...ctx({ scope: 'user' }, { userUri: cal.userUri, organizationUri: cal.organizationUri }), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });
      const hook = [...cal.hooks.values()][0]!;
      expect(hook).toMatchObject({ callback_url: 'https://ot.example/hooks/s/sub-1', events: ['invitee.created'], scope: 'user', organization: cal.organizationUri, user: cal.userUri, signing_key: 'f'.repeat(64) });
      expect(reg).toEqual({ state: { uri: hook.uri, scope: 'user' } });
      expect(cal.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /webhook_subscriptions']); // URIs came from extra
      await s.unregister({ ...ctx(), state: reg.state });
      expect(cal.hooks.size).toBe(0);
      expect(cal.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhook_subscriptions/${hook.uuid}` });
      // Already gone (Calendly deletes a subscription that answered 410, or the user removed it): fine.
      await s.unregister({ ...ctx(), state: reg.state });
    });

    it('looks the URIs up when the credential has none, and creates organization-scoped subscriptions without a user', async () => {
      cal.role = 'admin';
      const s = source('CALENDLY_TRIGGER_INVITEE_CANCELED');
      await s.register({ ...ctx({ scope: 'organization' }), hookUrl: 'https://ot.example/hooks/s/sub-2', secret: 'a'.repeat(64) });
      expect(cal.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /users/me', 'POST /webhook_subscriptions']);
      expect([...cal.hooks.values()][0]).toMatchObject({ scope: 'organization', user: null, events: ['invitee.canceled'] });
      expect(cal.requests.at(-1)!.body).not.toHaveProperty('user');
    });

    it('reports Calendly\'s refusals: organization scope without admin rights, an existing URL, rate limits', async () => {
      const s = source('CALENDLY_TRIGGER_INVITEE_CREATED');
      const reg = (scope: string, hookUrl = 'https://ot.example/hooks/s/a') => s.register({ ...ctx({ scope }), hookUrl, secret: 'x'.repeat(64) });
      await expect(reg('organization')).rejects.toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('Permission Denied') });
      await reg('user');
      await expect(reg('user')).rejects.toMatchObject({ kind: 'permanent', status: 409, message: expect.stringContaining('Already Exists') });
      cal.rateLimitNext(42);
      await expect(reg('user', 'https://ot.example/hooks/s/b')).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 42_000 });
      cal.failNext(1, 503);
      await expect(reg('user', 'https://ot.example/hooks/s/c')).rejects.toMatchObject({ kind: 'transient' });
    });
  });

  describe('toItems', () => {
    it('delivers the whole webhook body, keyed by the invitee URI, and only for the trigger\'s event', async () => {
      const created = source('CALENDLY_TRIGGER_INVITEE_CREATED');
      const canceled = source('CALENDLY_TRIGGER_INVITEE_CANCELED');
      const c = { ...ctx(), state: {} };
      expect(await created.toItems(inbound(inviteeCreated), c)).toEqual([
        { key: inviteeCreated.payload.uri, payload: inviteeCreated, occurredAt: Date.parse(inviteeCreated.created_at) },
      ]);
      expect(await created.toItems(inbound(inviteeCanceled), c)).toEqual([]);
      expect(await canceled.toItems(inbound(inviteeCanceled), c)).toMatchObject([{ key: inviteeCanceled.payload.uri, payload: inviteeCanceled }]);
      expect(await canceled.toItems(inbound({ event: 'invitee.canceled' }), c)).toEqual([]);
      expect('deliveryId' in created).toBe(false); // Calendly sends no delivery id: the invitee URI dedupes retries
    });
  });
});
