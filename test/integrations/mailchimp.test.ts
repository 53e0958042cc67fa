// Mailchimp triggers at the source level: the metadata call and the api_endpoint, registration, check and
// removal of audience webhooks against the fake Mailchimp over real HTTP, the URL-token verification and the
// validation GET as the engine classifies real requests, the parsing of bracketed form bodies, item keys
// (stable across Mailchimp's retries, there being no event id), parameter validation and errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { mailchimpIntegration } from '../../src/integrations/mailchimp/integration.js';
import { parseBracketForm } from '../../src/integrations/mailchimp/form.js';
import { callbackUrl, keyOf } from '../../src/integrations/mailchimp/webhooks.js';
import campaign from '../../src/integrations/mailchimp/fixtures/campaign.json' with { type: 'json' };
import cleaned from '../../src/integrations/mailchimp/fixtures/cleaned.json' with { type: 'json' };
import profile from '../../src/integrations/mailchimp/fixtures/profile.json' with { type: 'json' };
import subscribe from '../../src/integrations/mailchimp/fixtures/subscribe.json' with { type: 'json' };
import unsubscribe from '../../src/integrations/mailchimp/fixtures/unsubscribe.json' with { type: 'json' };
import upemail from '../../src/integrations/mailchimp/fixtures/upemail.json' with { type: 'json' };
import { classifyInbound, ProviderError, URL_TOKEN, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { encodeMailchimpForm, startFakeMailchimp, type FakeMailchimp } from '../providers/mailchimp.js';

const silent = { debug() {}, info() {}, warn() {} };
const LIST = 'a6b5da1054';
const SECRET = 'c'.repeat(64);

function trigger(type: string) {
  const t = mailchimpIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t;
}
const source = (type: string): WebhookSource => trigger(type).source as WebhookSource;

/** A delivery as Mailchimp sends it: form-encoded, POSTed to the registered URL. */
function inbound(event: Record<string, unknown>, url = `/hooks/s/x?mc=validate&token=${SECRET}`, method = 'POST'): InboundRequest {
  const rawBody = Buffer.from(method === 'POST' ? encodeMailchimpForm(event) : '');
  return { method, url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody, body: Object.fromEntries(new URLSearchParams(rawBody.toString('utf8'))) };
}

describe('mailchimp', () => {
  let mc: FakeMailchimp;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { listId: LIST }, extra: Record<string, unknown> = { api_endpoint: mc.url }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: String(mc.accountId), extra }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    mc = await startFakeMailchimp();
    mc.validTokens.add('valid-token');
    // apiBaseUrl (the login host) is the fake for the metadata call; API calls must go to api_endpoint anyway.
    http = createProviderHttp({ integration: mailchimpIntegration, apiBaseUrl: mc.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await mc.close();
  });

  it('declares the trigger types, OAuth without scopes or PKCE, and the login host as apiBaseUrl', () => {
    expect(mailchimpIntegration.key).toBe('mailchimp');
    expect(mailchimpIntegration.triggers.map((t) => t.type)).toEqual([
      'MAILCHIMP_TRIGGER_LIST', 'MAILCHIMP_TRIGGER_SUBSCRIBER_ADDED', 'MAILCHIMP_TRIGGER_SUBSCRIBER_UNSUBSCRIBED',
      'MAILCHIMP_TRIGGER_PROFILE_UPDATED', 'MAILCHIMP_TRIGGER_EMAIL_CLEANED',
    ]);
    expect(mailchimpIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://login.mailchimp.com/oauth2/authorize', tokenUrl: 'https://login.mailchimp.com/oauth2/token', scopes: [], pkce: false,
    });
    expect(mailchimpIntegration.apiBaseUrl).toBe('https://login.mailchimp.com');
    // Keys are built from the event's fields, not a provider event id: the dedupe markers are kept.
    for (const t of mailchimpIntegration.triggers) expect(t.source).not.toHaveProperty('redeliveryDays');
  });

  it('identifies the account with /oauth2/metadata (Authorization: OAuth <token>) and keeps api_endpoint and dc', async () => {
    expect(await mailchimpIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({
      providerAccountId: '42', extra: { api_endpoint: mc.url, dc: 'us6', accountName: "Freddie's Jokes" },
    });
    expect(mc.requests.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual(['GET /oauth2/metadata OAuth valid-token']);
    await expect(mailchimpIntegration.accountId!({ http, token: { accessToken: 'wrong' } })).rejects.toMatchObject({ kind: 'auth' });
  });

  describe('verification (secret in the URL query) and the validation GET', () => {
    const req = (url: string, method = 'POST') => ({ method, url, headers: {}, rawBody: Buffer.from(method === 'POST' ? 'type=subscribe' : '') });

    it('accepts exactly the subscription token and refuses a wrong, missing or doubled one', () => {
      expect(verifyRequest(URL_TOKEN, req(`/hooks/s/x?mc=validate&token=${SECRET}`), { secret: SECRET }, Date.now())).toEqual({ ok: true });
      expect(verifyRequest(URL_TOKEN, req(`/hooks/s/x?mc=validate&token=${'d'.repeat(64)}`), { secret: SECRET }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verifyRequest(URL_TOKEN, req('/hooks/s/x?mc=validate'), { secret: SECRET }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
      expect(verifyRequest(URL_TOKEN, req(`/hooks/s/x?token=${SECRET}&token=nope`), { secret: SECRET }, Date.now())).toMatchObject({ ok: false });
    });

    it('answers the validation GET with 200 before verification (no secret needed, nothing recorded); a POST is always verified', () => {
      const s = source('MAILCHIMP_TRIGGER_SUBSCRIBER_ADDED');
      const get = classifyInbound(s, req('/hooks/s/x?mc=validate&token=whatever', 'GET'), undefined, Date.now());
      expect(get).toMatchObject({ kind: 'handshake', response: { status: 200, body: 'validate' } });
      // A POST carrying the marker is not the handshake: without the right token it is refused.
      expect(classifyInbound(s, req('/hooks/s/x?mc=validate&token=whatever'), { secret: SECRET }, Date.now())).toMatchObject({ kind: 'rejected' });
      expect(classifyInbound(s, req(`/hooks/s/x?mc=validate&token=${SECRET}`), { secret: SECRET }, Date.now())).toEqual({ kind: 'event' });
      // A GET without the marker is no handshake and must carry the token.
      expect(classifyInbound(s, req('/hooks/s/x', 'GET'), { secret: SECRET }, Date.now())).toMatchObject({ kind: 'rejected' });
    });

    it('builds the callback URL from the hook URL, the marker and the secret', () => {
      expect(callbackUrl('https://ot.example/hooks/s/sub-1', SECRET)).toBe(`https://ot.example/hooks/s/sub-1?mc=validate&token=${SECRET}`);
    });
  });

  describe('register / check / unregister', () => {
    it('is refused when the URL does not answer the validation GET with 200, and the error does not carry the secret', async () => {
      const s = source('MAILCHIMP_TRIGGER_PROFILE_UPDATED');
      const hookUrl = `${mc.url}/validate-ok`;
      const reg = await s.register({ ...ctx(), hookUrl, secret: SECRET }).catch((e: unknown) => e);
      // /validate-ok answers 401 (no Bearer on Mailchimp's GET): the webhook is refused, as Mailchimp would.
      expect(reg).toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining("couldn't verify the URL") });
      expect((reg as Error).message).not.toContain(SECRET);
      expect(mc.hooks.size).toBe(0);
    });

    it('registers with the events of its trigger and keeps webhook and audience ids', async () => {
      // A URL that answers 200 to GET: a tiny server standing in for our hook route.
      const { createServer } = await import('node:http');
      const ok = createServer((_q, r) => r.writeHead(200).end());
      await new Promise<void>((r) => ok.listen(0, '127.0.0.1', r));
      const hookUrl = `http://127.0.0.1:${(ok.address() as { port: number }).port}/hooks/s/sub-1`;
      try {
        const expected: Record<string, string[]> = {
          MAILCHIMP_TRIGGER_LIST: ['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail', 'campaign'],
          MAILCHIMP_TRIGGER_SUBSCRIBER_ADDED: ['subscribe'], MAILCHIMP_TRIGGER_SUBSCRIBER_UNSUBSCRIBED: ['unsubscribe'],
          MAILCHIMP_TRIGGER_PROFILE_UPDATED: ['profile'], MAILCHIMP_TRIGGER_EMAIL_CLEANED: ['cleaned'],
        };
        for (const [type, on] of Object.entries(expected)) {
          const s = source(type);
          const reg = await s.register({ ...ctx(), hookUrl, secret: SECRET });
          const hook = mc.hooks.get(reg.state.webhookId as string)!;
          expect(reg).toEqual({ state: { webhookId: hook.id, listId: LIST } });
          expect(hook.url).toBe(`${hookUrl}?mc=validate&token=${SECRET}`);
          expect(Object.entries(hook.events).filter(([, v]) => v).map(([k]) => k)).toEqual(on);
          expect(hook.sources).toEqual({ user: true, admin: true, api: true });
          expect(mc.requests.at(-1)).toMatchObject({ method: 'POST', path: `/3.0/lists/${LIST}/webhooks`, auth: 'Bearer valid-token' });

          const c = { ...ctx(), state: reg.state };
          expect(await s.check!(c)).toBe('active');
          await s.unregister(c);
          expect(mc.hooks.has(hook.id)).toBe(false);
          expect(mc.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/3.0/lists/${LIST}/webhooks/${hook.id}` });
          expect(await s.check!(c)).toBe('gone');
          await s.unregister(c); // already gone: fine
        }
      } finally {
        await new Promise<void>((r) => ok.close(() => r()));
      }
    });

    it('maps Mailchimp refusals to provider errors naming the audience, never the secret', async () => {
      const s = source('MAILCHIMP_TRIGGER_SUBSCRIBER_ADDED');
      const reg = (params: Record<string, unknown> = { listId: LIST }, extra?: Record<string, unknown>) =>
        s.register({ ...ctx(params, extra), hookUrl: 'https://ot.example/hooks/s/a', secret: SECRET });
      const e404 = await reg({ listId: 'b0b0b0b0b0' }).catch((e: unknown) => e);
      expect(e404).toBeInstanceOf(ProviderError);
      expect(e404).toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('b0b0b0b0b0') });
      mc.failNext(1, 400, { title: 'Invalid Resource', status: 400, detail: 'Sorry, you can only have 20 webhooks per list.' });
      const e400 = await reg().catch((e: unknown) => e);
      expect(e400).toMatchObject({ kind: 'permanent', status: 400, message: 'Mailchimp 400: Invalid Resource (Sorry, you can only have 20 webhooks per list.)' });
      mc.failNext(1, 429, { title: 'Too Many Requests', status: 429 }, { 'retry-after': '7' });
      await expect(reg()).rejects.toMatchObject({ kind: 'rate_limited' });
      mc.failNext(1, 503);
      await expect(reg()).rejects.toMatchObject({ kind: 'transient' });
      mc.validTokens.clear();
      await expect(reg()).rejects.toMatchObject({ kind: 'auth' });
      await expect(reg(undefined, {})).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('no api_endpoint') });
      await expect(reg(undefined, { api_endpoint: 'ftp://us6.api.mailchimp.com' })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('invalid api_endpoint') });
      mc.validTokens.add('valid-token');
      mc.failNext(1, 403, { title: 'Forbidden', status: 403, detail: 'You do not have permission to access this resource.' });
      await expect(s.check!({ ...ctx(), state: { webhookId: 'x', listId: LIST } })).rejects.toMatchObject({ kind: 'permanent', status: 403 });
    });
  });

  describe('form bodies and items', () => {
    const c = (params: Record<string, unknown> = { listId: LIST }) => ({ ...ctx(params), state: {} });

    it('parses bracketed keys into nested objects, dropping prototype names and empty segments', () => {
      expect(parseBracketForm('type=subscribe&fired_at=2009-03-26+21%3A35%3A57&data[merges][FNAME]=Mailchimp&data[merges][GROUPINGS][0][name]=Colors&data[email]=a%2Bb%40x.io'))
        .toEqual({ type: 'subscribe', fired_at: '2009-03-26 21:35:57', data: { email: 'a+b@x.io', merges: { FNAME: 'Mailchimp', GROUPINGS: { 0: { name: 'Colors' } } } } });
      const evil = parseBracketForm('data[__proto__][polluted]=1&constructor[prototype][x]=1&a[]=1&b=2');
      expect(evil).toEqual({ b: '2' });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // Every fixture survives the wire: encoded as Mailchimp does, parsed back to itself.
      for (const f of [subscribe, unsubscribe, profile, cleaned, upemail, campaign]) expect(parseBracketForm(encodeMailchimpForm(f))).toEqual(f);
    });

    it('maps a delivery to one item keyed by type, audience, member and fired_at; the same for a retry', async () => {
      const s = source('MAILCHIMP_TRIGGER_SUBSCRIBER_ADDED');
      expect(await s.toItems(inbound(subscribe), c())).toEqual([{ key: `subscribe:${LIST}:8a25ff1d98:2009-03-26 21:35:57`, payload: subscribe }]);
      expect(await s.toItems(inbound(subscribe), c())).toEqual(await s.toItems(inbound(subscribe), c()));
      expect(await s.toItems(inbound({ ...subscribe, fired_at: '2009-03-26 21:35:58' }), c())).toMatchObject([{ key: `subscribe:${LIST}:8a25ff1d98:2009-03-26 21:35:58` }]);
      // Other types, other audiences, the validation GET and bodies without the key's fields: nothing.
      expect(await s.toItems(inbound(profile), c())).toEqual([]);
      expect(await s.toItems(inbound(subscribe), c({ listId: 'ffffffffff' }))).toEqual([]);
      expect(await s.toItems(inbound(subscribe, undefined, 'GET'), c())).toEqual([]);
      expect(await s.toItems(inbound({ type: 'subscribe', data: { list_id: LIST, id: '1' } }), c())).toEqual([]);
    });

    it('keys every event type by what identifies it (member id, email, new id, campaign id)', () => {
      expect(keyOf(cleaned, LIST)).toBe(`cleaned:${LIST}:api+cleaned@mailchimp.com:2009-03-26 22:01:00`);
      expect(keyOf(upemail, LIST)).toBe(`upemail:${LIST}:51da8c3259:2009-03-26 22:15:09`);
      expect(keyOf(campaign, LIST)).toBe(`campaign:${LIST}:5aa2102003:2009-03-26 21:31:21`);
      expect(keyOf(unsubscribe, LIST)).toBe(`unsubscribe:${LIST}:8a25ff1d98:2009-03-26 21:40:57`);
    });

    it('the audience trigger takes every event type; the specific ones only theirs', async () => {
      const all = source('MAILCHIMP_TRIGGER_LIST');
      for (const f of [subscribe, unsubscribe, profile, cleaned, upemail, campaign]) expect(await all.toItems(inbound(f), c())).toHaveLength(1);
      expect(await source('MAILCHIMP_TRIGGER_EMAIL_CLEANED').toItems(inbound(cleaned), c())).toHaveLength(1);
      expect(await source('MAILCHIMP_TRIGGER_EMAIL_CLEANED').toItems(inbound(unsubscribe), c())).toEqual([]);
      expect(await source('MAILCHIMP_TRIGGER_SUBSCRIBER_UNSUBSCRIBED').toItems(inbound(unsubscribe), c())).toMatchObject([{ payload: unsubscribe }]);
    });

    it('listId: required, an audience id of letters and digits', () => {
      for (const t of mailchimpIntegration.triggers) expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['listId', 'TEXTAREA', true]]);
      const param = trigger('MAILCHIMP_TRIGGER_LIST').parameters[0]!;
      expect(param.validate!('a6b5da1054')).toBeNull();
      for (const bad of ['', '../x', 'a b', 'a'.repeat(33), 12, undefined]) expect(param.validate!(bad)).toContain('listId');
    });
  });
});
