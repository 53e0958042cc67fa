// Webflow triggers at the source level: registration, removal and the hourly read against the fake Webflow over
// real HTTP; the signature scheme against the documented computation (wrong key, tampered body, stale and future
// timestamps, missing headers); the mapping of webhook bodies to items and their keys; parameter validation; and
// the mapping of Webflow's errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import collectionItemChanged from '../../src/integrations/webflow/fixtures/collection-item-changed.json' with { type: 'json' };
import collectionItemCreated from '../../src/integrations/webflow/fixtures/collection-item-created.json' with { type: 'json' };
import formSubmission from '../../src/integrations/webflow/fixtures/form-submission.json' with { type: 'json' };
import sitePublish from '../../src/integrations/webflow/fixtures/site-publish.json' with { type: 'json' };
import { webflowIntegration } from '../../src/integrations/webflow/integration.js';
import { WEBFLOW_SIGNATURE } from '../../src/integrations/webflow/webhooks.js';
import { signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeWebflow, webflowSignature, type FakeWebflow } from '../providers/webflow.js';

const silent = { debug() {}, info() {}, warn() {} };
const SITE = '65427cf400e02b306eaa049c';

function trigger(type: string) {
  const t = webflowIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}
function source(type: string): WebhookSource {
  const s = trigger(type).source;
  if (s.kind !== 'webhook') throw new Error(`${type} is not a webhook trigger`);
  return s;
}
function inbound(body: unknown): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('webflow', () => {
  let wf: FakeWebflow;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { siteId: SITE }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: wf.userId, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    wf = await startFakeWebflow();
    wf.validTokens.add('valid-token');
    http = createProviderHttp({ integration: webflowIntegration, apiBaseUrl: wf.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await wf.close();
  });

  it('declares its triggers, OAuth endpoints and scopes, and the v2 API host', () => {
    expect(webflowIntegration.triggers.map((t) => t.type)).toEqual([
      'WEBFLOW_TRIGGER_FORM_SUBMISSION', 'WEBFLOW_TRIGGER_COLLECTION_ITEM_CREATED', 'WEBFLOW_TRIGGER_COLLECTION_ITEM_CHANGED', 'WEBFLOW_TRIGGER_SITE_PUBLISHED',
    ]);
    expect(webflowIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://webflow.com/oauth/authorize', tokenUrl: 'https://api.webflow.com/oauth/access_token', clientAuth: 'body',
      scopes: expect.arrayContaining(['authorized_user:read', 'sites:read', 'sites:write', 'forms:read', 'cms:read']),
    });
    expect(webflowIntegration.apiBaseUrl).toBe('https://api.webflow.com/v2');
    for (const t of webflowIntegration.triggers) expect(t.docsUrl).toMatch(/^https:\/\/developers\.webflow\.com\//);
  });

  it('identifies the account by the authorizing user', async () => {
    expect(await webflowIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({ providerAccountId: wf.userId });
  });

  describe('signature', () => {
    const body = JSON.stringify(formSubmission);
    const ts = '1663849649733';
    const req = (headers: Record<string, string>, raw = body) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw) });
    const at = Number(ts);

    it('is hex HMAC-SHA256(client secret, "timestamp:body") with the millisecond timestamp, as Webflow documents', () => {
      const signature = webflowSignature('client-secret', ts, body);
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
      const headers = { 'x-webflow-timestamp': ts, 'x-webflow-signature': signature };
      expect(verifyRequest(WEBFLOW_SIGNATURE, req(headers), { secret: 'client-secret' }, at + 60_000)).toEqual({ ok: true });
      // The SDK's signer produces the same headers: what the fake sends is exactly what we verify.
      expect(signRequest(WEBFLOW_SIGNATURE, req({}), { secret: 'client-secret' }, at)).toEqual(headers);
    });

    it('refuses another key, a tampered body, a timestamp over 5 minutes old or ahead, and missing headers', () => {
      const headers = { 'x-webflow-timestamp': ts, 'x-webflow-signature': webflowSignature('client-secret', ts, body) };
      expect(verifyRequest(WEBFLOW_SIGNATURE, req(headers), { secret: 'other-secret' }, at).ok).toBe(false);
      expect(verifyRequest(WEBFLOW_SIGNATURE, req(headers, body.replace('Zaphod', 'Arthur')), { secret: 'client-secret' }, at).ok).toBe(false);
      // The timestamp is signed: moving it invalidates the signature.
      expect(verifyRequest(WEBFLOW_SIGNATURE, req({ ...headers, 'x-webflow-timestamp': String(at + 1) }), { secret: 'client-secret' }, at).ok).toBe(false);
      expect(verifyRequest(WEBFLOW_SIGNATURE, req(headers), { secret: 'client-secret' }, at + 301_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
      expect(verifyRequest(WEBFLOW_SIGNATURE, req(headers), { secret: 'client-secret' }, at - 301_000)).toMatchObject({ ok: false });
      expect(verifyRequest(WEBFLOW_SIGNATURE, req({ 'x-webflow-signature': headers['x-webflow-signature'] }), { secret: 'client-secret' }, at).ok).toBe(false);
      expect(verifyRequest(WEBFLOW_SIGNATURE, req({ 'x-webflow-timestamp': ts }), { secret: 'client-secret' }, at).ok).toBe(false);
    });
  });

  describe('register / check / unregister', () => {
    const hookUrl = 'https://ot.example/hooks/s/sub-1';

    it("creates a site webhook for the trigger's event (with the form filter), verifies with the app secret, reads it hourly and deletes it", async () => {
      const s = source('WEBFLOW_TRIGGER_FORM_SUBMISSION');
      const reg = await s.register({ ...ctx({ siteId: SITE, formName: 'Contact Us' }), hookUrl, secret: 'f'.repeat(64) });
      const hook = [...wf.hooks.values()][0]!;
      expect(hook).toMatchObject({ triggerType: 'form_submission', url: hookUrl, siteId: SITE, filter: { name: 'Contact Us' } });
      expect(reg).toEqual({ state: { webhookId: hook.id, siteId: SITE } });
      expect(s.appSigningKey).toMatchObject({ required: true });
      expect(wf.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v2/sites/${SITE}/webhooks`, auth: 'Bearer valid-token' });

      const c = { ...ctx(), state: reg.state };
      expect(await s.check!(c)).toBe('active');
      expect(wf.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v2/webhooks/${hook.id}` });

      await s.unregister(c);
      expect(wf.hooks.size).toBe(0);
      expect(wf.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
      expect(await s.check!(c)).toBe('gone');
      await s.unregister(c); // already gone: fine
      expect(await s.check!({ ...c, state: {} })).toBe('gone');
    });

    it('sends no filter for other events, or without a form name', async () => {
      await source('WEBFLOW_TRIGGER_SITE_PUBLISHED').register({ ...ctx({ siteId: SITE, formName: 'ignored' }), hookUrl, secret: 's' });
      await source('WEBFLOW_TRIGGER_FORM_SUBMISSION').register({ ...ctx(), hookUrl: `${hookUrl}-2`, secret: 's' });
      expect(wf.requests.map((r) => r.body)).toEqual([{ triggerType: 'site_publish', url: hookUrl }, { triggerType: 'form_submission', url: `${hookUrl}-2` }]);
    });

    it("maps Webflow's refusals: unknown site, revoked token, rate limit, outage", async () => {
      const s = source('WEBFLOW_TRIGGER_COLLECTION_ITEM_CREATED');
      const reg = (siteId = SITE) => s.register({ ...ctx({ siteId }), hookUrl, secret: 's' });
      await expect(reg('0123456789abcdef01234567')).rejects.toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('resource_not_found') });
      wf.rateLimitNext(7);
      await expect(reg()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
      wf.failNext(1, 503);
      await expect(reg()).rejects.toMatchObject({ kind: 'transient' });
      wf.validTokens.clear();
      await expect(reg()).rejects.toMatchObject({ kind: 'auth' });
      const err = (await reg().catch((e: unknown) => e)) as Error;
      expect(err.message).not.toContain('valid-token');
    });
  });

  describe('toItems', () => {
    const items = async (type: string, body: unknown, params: Record<string, unknown> = { siteId: SITE }) =>
      source(type).toItems(inbound(body), { ...ctx(params), state: {} });

    it('keys a form submission by its id and delivers the whole body; filters by form name and site', async () => {
      expect(await items('WEBFLOW_TRIGGER_FORM_SUBMISSION', formSubmission)).toEqual([
        { key: '6321ca84df3949bfc6752327', payload: formSubmission, occurredAt: Date.parse('2022-09-14T12:35:16.117Z') },
      ]);
      expect(await items('WEBFLOW_TRIGGER_FORM_SUBMISSION', formSubmission, { siteId: SITE, formName: 'Contact Us' })).toHaveLength(1);
      expect(await items('WEBFLOW_TRIGGER_FORM_SUBMISSION', formSubmission, { siteId: SITE, formName: 'Newsletter' })).toEqual([]);
      expect(await items('WEBFLOW_TRIGGER_FORM_SUBMISSION', formSubmission, { siteId: '0123456789abcdef01234567' })).toEqual([]);
      expect(await items('WEBFLOW_TRIGGER_FORM_SUBMISSION', { ...formSubmission, payload: { ...formSubmission.payload, id: undefined } })).toEqual([]);
      expect(await items('WEBFLOW_TRIGGER_FORM_SUBMISSION', sitePublish)).toEqual([]);
    });

    it('keys CMS items by id (created) and by id and lastUpdated (changed), per locale, and filters by collection', async () => {
      expect(await items('WEBFLOW_TRIGGER_COLLECTION_ITEM_CREATED', collectionItemCreated)).toMatchObject([{ key: '580e64008c9a982ac9b8b754', payload: collectionItemCreated }]);
      expect(await items('WEBFLOW_TRIGGER_COLLECTION_ITEM_CHANGED', collectionItemChanged)).toMatchObject([
        { key: '580e64008c9a982ac9b8b754:2023-03-27T22:26:40.926Z', occurredAt: Date.parse('2023-03-27T22:26:40.926Z') },
      ]);
      const localized = { ...collectionItemChanged, payload: { ...collectionItemChanged.payload, cmsLocaleId: '653ad57de882f528b32e810e' } };
      expect(await items('WEBFLOW_TRIGGER_COLLECTION_ITEM_CHANGED', localized)).toMatchObject([{ key: '580e64008c9a982ac9b8b754:2023-03-27T22:26:40.926Z@653ad57de882f528b32e810e' }]);
      expect(await items('WEBFLOW_TRIGGER_COLLECTION_ITEM_CREATED', collectionItemCreated, { siteId: SITE, collectionId: '664243617fcc8b464b23c4ee' })).toHaveLength(1);
      expect(await items('WEBFLOW_TRIGGER_COLLECTION_ITEM_CREATED', collectionItemCreated, { siteId: SITE, collectionId: '0123456789abcdef01234567' })).toEqual([]);
      expect(await items('WEBFLOW_TRIGGER_COLLECTION_ITEM_CHANGED', collectionItemCreated)).toEqual([]);
      expect(await items('WEBFLOW_TRIGGER_COLLECTION_ITEM_CHANGED', { ...collectionItemChanged, payload: { ...collectionItemChanged.payload, lastUpdated: undefined } })).toEqual([]);
    });

    it('keys a site publish by site and publishedOn', async () => {
      expect(await items('WEBFLOW_TRIGGER_SITE_PUBLISHED', sitePublish)).toEqual([
        { key: `${SITE}:2024-07-26T16:43:20Z`, payload: sitePublish, occurredAt: Date.parse('2024-07-26T16:43:20Z') },
      ]);
      expect(await items('WEBFLOW_TRIGGER_SITE_PUBLISHED', { triggerType: 'site_publish', payload: { siteId: SITE } })).toEqual([]);
    });
  });

  describe('parameters', () => {
    it('requires siteId to be a 24-hex Webflow id and checks the optional ones', () => {
      const site = trigger('WEBFLOW_TRIGGER_SITE_PUBLISHED').parameters.find((p) => p.id === 'siteId')!;
      expect(site.required).toBe(true);
      expect(site.validate!(SITE)).toBeNull();
      for (const bad of ['my-site', '', 42, `${SITE}0`, 'zz427cf400e02b306eaa049c']) expect(site.validate!(bad)).toContain('siteId');
      const collection = trigger('WEBFLOW_TRIGGER_COLLECTION_ITEM_CHANGED').parameters.find((p) => p.id === 'collectionId')!;
      expect([collection.required, collection.validate!(undefined), collection.validate!('664243617fcc8b464b23c4ee')]).toEqual([false, null, null]);
      expect(collection.validate!('Blog Posts')).toContain('collectionId');
      const form = trigger('WEBFLOW_TRIGGER_FORM_SUBMISSION').parameters.find((p) => p.id === 'formName')!;
      expect([form.required, form.validate!('Contact Us'), form.validate!(undefined)]).toEqual([false, null, null]);
      expect(form.validate!(7)).toContain('formName');
    });
  });
});
