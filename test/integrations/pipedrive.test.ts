// Pipedrive triggers at the source level: registration, listing and removal against the fake Pipedrive over
// real HTTP on the credential's api_domain, HTTP Basic verification with real Authorization headers, the
// mapping of v2 webhook bodies to items (keys stable across Pipedrive's retries), parameters and errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { pipedriveIntegration } from '../../src/integrations/pipedrive/integration.js';
import { basicCredential, PIPEDRIVE_BASIC_AUTH } from '../../src/integrations/pipedrive/webhooks.js';
import dealCreated from '../../src/integrations/pipedrive/fixtures/deal-created.json' with { type: 'json' };
import dealUpdated from '../../src/integrations/pipedrive/fixtures/deal-updated.json' with { type: 'json' };
import leadCreated from '../../src/integrations/pipedrive/fixtures/lead-created.json' with { type: 'json' };
import personCreated from '../../src/integrations/pipedrive/fixtures/person-created.json' with { type: 'json' };
import { ProviderError, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { startFakePipedrive, type FakePipedrive } from '../providers/pipedrive.js';

const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string) {
  const t = pipedriveIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t;
}
const source = (type: string): WebhookSource => trigger(type).source as WebhookSource;

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('pipedrive', () => {
  let pd: FakePipedrive;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = { api_domain: pd.url }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: `${pd.companyId}:${pd.userId}`, extra }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    pd = await startFakePipedrive();
    pd.validTokens.add('valid-token');
    // apiBaseUrl points nowhere: every call must go to the credential's api_domain.
    http = createProviderHttp({ integration: pipedriveIntegration, apiBaseUrl: 'http://127.0.0.1:9', auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await pd.close();
  });

  it('declares the trigger types, OAuth with Basic client auth and no scope parameter', () => {
    expect(pipedriveIntegration.key).toBe('pipedrive');
    expect(pipedriveIntegration.triggers.map((t) => t.type)).toEqual([
      'PIPEDRIVE_TRIGGER_DEAL_CREATED', 'PIPEDRIVE_TRIGGER_DEAL_UPDATED', 'PIPEDRIVE_TRIGGER_PERSON_CREATED',
      'PIPEDRIVE_TRIGGER_ORGANIZATION_CREATED', 'PIPEDRIVE_TRIGGER_ACTIVITY_CREATED', 'PIPEDRIVE_TRIGGER_LEAD_CREATED',
    ]);
    expect(pipedriveIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://oauth.pipedrive.com/oauth/authorize', tokenUrl: 'https://oauth.pipedrive.com/oauth/token', clientAuth: 'basic', scopes: [],
    });
    // Created items are keyed by object id: their dedupe markers are kept (no redeliveryDays).
    for (const t of pipedriveIntegration.triggers) expect(t.source).not.toHaveProperty('redeliveryDays');
  });

  it('identifies company and user on the api_domain from the token response, and keeps the domain', async () => {
    expect(await pipedriveIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { api_domain: `${pd.url}/` } } })).toEqual({
      providerAccountId: `${pd.companyId}:${pd.userId}`, extra: { api_domain: pd.url, companyId: pd.companyId, userId: pd.userId },
    });
    expect(pd.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/users/me']);
    await expect(pipedriveIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: {} } })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('no api_domain') });
    await expect(pipedriveIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { api_domain: 'ftp://acme.pipedrive.com' } } })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('invalid api_domain') });
  });

  describe('verification (HTTP Basic, no signature)', () => {
    const req = (authorization?: string) => ({ method: 'POST', url: '/hooks/s/x', headers: authorization ? { authorization } : {}, rawBody: Buffer.from('{}') });
    const secret = basicCredential('s3cret-password');

    it('accepts exactly Basic base64("opentriggers:<password>") and refuses anything else', () => {
      expect(secret).toBe(Buffer.from('opentriggers:s3cret-password').toString('base64'));
      expect(verifyRequest(PIPEDRIVE_BASIC_AUTH, req(`Basic ${Buffer.from('opentriggers:s3cret-password').toString('base64')}`), { secret }, Date.now())).toEqual({ ok: true });
      expect(verifyRequest(PIPEDRIVE_BASIC_AUTH, req(`Basic ${Buffer.from('opentriggers:wrong').toString('base64')}`), { secret }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verifyRequest(PIPEDRIVE_BASIC_AUTH, req(`Basic ${Buffer.from('someone:s3cret-password').toString('base64')}`), { secret }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verifyRequest(PIPEDRIVE_BASIC_AUTH, req(`Bearer ${secret}`), { secret }, Date.now())).toMatchObject({ ok: false });
      expect(verifyRequest(PIPEDRIVE_BASIC_AUTH, req(), { secret }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
    });
  });

  describe('register / check / unregister', () => {
    it('creates a v2 webhook for the trigger\'s event with our URL and Basic credentials, finds it, and deletes it', async () => {
      const s = source('PIPEDRIVE_TRIGGER_DEAL_UPDATED');
      const reg = await s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });
      const hook = [...pd.hooks.values()][0]!;
      expect(hook).toMatchObject({
        subscription_url: 'https://ot.example/hooks/s/sub-1', event_action: 'change', event_object: 'deal', version: '2.0',
        http_auth_user: 'opentriggers', http_auth_password: 'f'.repeat(64),
      });
      // The secret verified from now on is the Basic credential, not the bare password.
      expect(reg).toEqual({ state: { webhookId: String(hook.id) }, secret: basicCredential('f'.repeat(64)) });
      expect(pd.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/webhooks', auth: 'Bearer valid-token' });

      const c = { ...ctx(), state: reg.state };
      expect(await s.check!(c)).toBe('active');
      hook.is_active = 0;
      expect(await s.check!(c)).toBe('inactive');
      await s.unregister(c);
      expect(pd.hooks.size).toBe(0);
      expect(pd.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/webhooks/${hook.id}` });
      expect(await s.check!(c)).toBe('gone');
      // Already gone (the user deleted it, or Pipedrive did after 3 days of failed deliveries): fine.
      await s.unregister(c);
    });

    it('registers each trigger for its own action and object', async () => {
      const expected: Record<string, [string, string]> = {
        PIPEDRIVE_TRIGGER_DEAL_CREATED: ['create', 'deal'], PIPEDRIVE_TRIGGER_DEAL_UPDATED: ['change', 'deal'],
        PIPEDRIVE_TRIGGER_PERSON_CREATED: ['create', 'person'], PIPEDRIVE_TRIGGER_ORGANIZATION_CREATED: ['create', 'organization'],
        PIPEDRIVE_TRIGGER_ACTIVITY_CREATED: ['create', 'activity'], PIPEDRIVE_TRIGGER_LEAD_CREATED: ['create', 'lead'],
      };
      for (const [type, [action, object]] of Object.entries(expected)) {
        await source(type).register({ ...ctx(), hookUrl: `https://ot.example/hooks/s/${type}`, secret: 'x'.repeat(64) });
        expect(pd.requests.at(-1)!.body).toMatchObject({ event_action: action, event_object: object, version: '2.0' });
      }
    });

    it('maps Pipedrive refusals to provider errors and never sends the password anywhere but the create call', async () => {
      const s = source('PIPEDRIVE_TRIGGER_DEAL_CREATED');
      const reg = (secret = 'p'.repeat(64)) => s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/a', secret });
      pd.failNext(1, 403, { success: false, error: 'Scope and URL mismatch', error_info: 'Please check developers.pipedrive.com' });
      const e403 = await reg().catch((e: unknown) => e);
      expect(e403).toBeInstanceOf(ProviderError);
      expect(e403).toMatchObject({ kind: 'permanent', status: 403, message: 'Pipedrive 403: Scope and URL mismatch (Please check developers.pipedrive.com)' });
      expect((e403 as Error).message).not.toContain('p'.repeat(64));
      pd.failNext(1, 400, { success: false, error: 'Webhooks limit reached' });
      await expect(reg()).rejects.toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining('Webhooks limit reached') });
      pd.failNext(1, 429, { success: false, error: 'Too many requests' }, { 'retry-after': '7' });
      await expect(reg()).rejects.toMatchObject({ kind: 'rate_limited' });
      pd.failNext(1, 503);
      await expect(reg()).rejects.toMatchObject({ kind: 'transient' });
      await expect(s.register({ ...ctx({}, {}), hookUrl: 'https://ot.example/hooks/s/a', secret: 'x' })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('reconnect') });
      pd.failNext(1, 403, { success: false, error: 'Forbidden' });
      await expect(s.check!({ ...ctx(), state: { webhookId: '1' } })).rejects.toMatchObject({ kind: 'permanent', status: 403 });
    });
  });

  describe('toItems', () => {
    const c = () => ({ ...ctx(), state: {} });

    it('created: the webhook body keyed by the object id, the same for every retry attempt; other events ignored', async () => {
      const s = source('PIPEDRIVE_TRIGGER_DEAL_CREATED');
      expect(await s.toItems(inbound(dealCreated), c())).toEqual([{ key: '1024', payload: dealCreated, occurredAt: Date.parse('2026-11-30T09:14:02Z') }]);
      const retry = { ...dealCreated, meta: { ...dealCreated.meta, attempt: 3 } };
      expect((await s.toItems(inbound(retry), c()) as Array<{ key: string }>)[0]!.key).toBe('1024');
      expect(await s.toItems(inbound(dealUpdated), c())).toEqual([]);
      expect(await s.toItems(inbound(personCreated), c())).toEqual([]);
      expect(await s.toItems(inbound({ meta: { action: 'create', entity: 'deal' }, data: null }), c())).toEqual([]);
      expect(await source('PIPEDRIVE_TRIGGER_LEAD_CREATED').toItems(inbound(leadCreated), c())).toMatchObject([{ key: 'adf21080-0e10-11eb-879b-05d71fb426ec' }]);
    });

    it('updated: keyed by object id and update_time, so a retry is one event and the next change another', async () => {
      const s = source('PIPEDRIVE_TRIGGER_DEAL_UPDATED');
      const first = await s.toItems(inbound(dealUpdated), c());
      expect(first).toEqual([{ key: '1024:2026-11-30T10:02:45Z', payload: dealUpdated, occurredAt: Date.parse('2026-11-30T10:02:45Z') }]);
      const retry = { ...dealUpdated, meta: { ...dealUpdated.meta, attempt: 2 } };
      expect(await s.toItems(inbound(retry), c())).toMatchObject([{ key: '1024:2026-11-30T10:02:45Z' }]);
      const next = { ...dealUpdated, meta: { ...dealUpdated.meta, id: 'other-event' }, data: { ...dealUpdated.data, value: 15000, update_time: '2026-11-30T11:00:00Z' }, previous: { value: 12000 } };
      expect(await s.toItems(inbound(next), c())).toMatchObject([{ key: '1024:2026-11-30T11:00:00Z' }]);
      // No update_time: the event id stands in.
      const bare = { ...dealUpdated, data: { id: 1024, pipeline_id: 1 } };
      expect(await s.toItems(inbound(bare), c())).toMatchObject([{ key: `1024:${dealUpdated.meta.id}` }]);
      expect(await s.toItems(inbound(dealCreated), c())).toEqual([]);
    });

    it('pipelineId: only deals in that pipeline; validated as a positive whole number', async () => {
      const s = source('PIPEDRIVE_TRIGGER_DEAL_CREATED');
      expect(await s.toItems(inbound(dealCreated), { ...ctx({ pipelineId: '1' }), state: {} })).toHaveLength(1);
      expect(await s.toItems(inbound(dealCreated), { ...ctx({ pipelineId: '2' }), state: {} })).toEqual([]);
      const param = trigger('PIPEDRIVE_TRIGGER_DEAL_UPDATED').parameters.find((p) => p.id === 'pipelineId')!;
      expect(param.validate!('12')).toBeNull();
      expect(param.validate!(undefined)).toBeNull();
      expect(param.validate!('0')).toContain('pipelineId');
      expect(param.validate!('abc')).toContain('pipelineId');
      expect(param.validate!(3)).toContain('pipelineId');
      expect(trigger('PIPEDRIVE_TRIGGER_PERSON_CREATED').parameters).toEqual([]);
    });
  });
});
