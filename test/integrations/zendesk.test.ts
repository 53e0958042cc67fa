// Zendesk triggers at the source level: registration (webhook + Zendesk-chosen signing secret), check and removal
// against the fake Zendesk over real HTTP on the credential's account origin, the signature scheme against an
// independently computed vector and real requests, the mapping of event bodies to items (keys stable across
// Zendesk's repeats), and error mapping.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import organizationCreated from '../../src/integrations/zendesk/fixtures/organization-created.json' with { type: 'json' };
import ticketCommentAdded from '../../src/integrations/zendesk/fixtures/ticket-comment-added.json' with { type: 'json' };
import ticketCreated from '../../src/integrations/zendesk/fixtures/ticket-created.json' with { type: 'json' };
import ticketStatusChanged from '../../src/integrations/zendesk/fixtures/ticket-status-changed.json' with { type: 'json' };
import userCreated from '../../src/integrations/zendesk/fixtures/user-created.json' with { type: 'json' };
import { zendeskBase, zendeskError } from '../../src/integrations/zendesk/api.js';
import { zendeskIntegration } from '../../src/integrations/zendesk/integration.js';
import { ZENDESK_SIGNATURE } from '../../src/integrations/zendesk/webhooks.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeZendesk, type FakeZendesk } from '../providers/zendesk.js';

const silent = { debug() {}, info() {}, warn() {} };

const TYPES = {
  ZENDESK_TRIGGER_TICKET_CREATED: 'zen:event-type:ticket.created',
  ZENDESK_TRIGGER_TICKET_STATUS_CHANGED: 'zen:event-type:ticket.status_changed',
  ZENDESK_TRIGGER_TICKET_COMMENT_ADDED: 'zen:event-type:ticket.comment_added',
  ZENDESK_TRIGGER_USER_CREATED: 'zen:event-type:user.created',
  ZENDESK_TRIGGER_ORGANIZATION_CREATED: 'zen:event-type:organization.created',
} as const;

function source(type: string): WebhookSource {
  const t = zendeskIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}

function inbound(body: unknown): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('zendesk', () => {
  let zd: FakeZendesk;
  let http: HttpClient;
  const ctx = (extra: Record<string, unknown> = { baseUrl: zd.url }) => ({
    http, params: {}, credential: { id: 'cred-1', providerAccountId: 'acme:1', extra }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    zd = await startFakeZendesk();
    zd.validTokens.add('valid-token');
    // apiBaseUrl points nowhere: trigger calls must go to the credential's account origin.
    http = createProviderHttp({ integration: zendeskIntegration, apiBaseUrl: 'http://127.0.0.1:9', auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await zd.close();
  });

  it('declares the trigger types, OAuth on the account host and no redeliveryDays', () => {
    expect(zendeskIntegration.triggers.map((t) => t.type)).toEqual(Object.keys(TYPES));
    expect(zendeskIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://{subdomain}.zendesk.com/oauth/authorizations/new', tokenUrl: 'https://{subdomain}.zendesk.com/oauth/tokens', scopes: ['read', 'write'],
    });
    for (const t of zendeskIntegration.triggers) expect(t.source).not.toHaveProperty('redeliveryDays');
    // API tokens: Basic base64("{email}/token:{api_token}").
    expect(zendeskIntegration.alternativeAuth).toEqual({ kind: 'apiKey', header: 'authorization', basicUser: '{email}/token' });
  });

  it('finds the account origin from extra.baseUrl or extra.subdomain, and refuses anything else', () => {
    expect(zendeskBase({ baseUrl: 'https://acme.zendesk.com/api/v2/users/1.json' })).toBe('https://acme.zendesk.com');
    expect(zendeskBase({ subdomain: 'Acme-Support' })).toBe('https://acme-support.zendesk.com');
    for (const extra of [{}, { subdomain: 'evil.com/x' }, { subdomain: '-x' }, { baseUrl: 'ftp://acme.zendesk.com' }, { baseUrl: 'https://u:p@acme.zendesk.com' }, { baseUrl: 'not a url' }]) {
      expect(() => zendeskBase(extra)).toThrow(ProviderError);
    }
  });

  it('identifies the user on the project apiBaseUrl and keeps the account origin', async () => {
    const onAccount = createProviderHttp({ integration: zendeskIntegration, apiBaseUrl: zd.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
    const host = new URL(zd.url).host;
    expect(await zendeskIntegration.accountId!({ http: onAccount, token: { accessToken: 'valid-token' } })).toEqual({
      providerAccountId: `${host}:${zd.userId}`, extra: { baseUrl: zd.url, userId: String(zd.userId) },
    });
  });

  describe('verification: base64 HMAC-SHA256 of timestamp + body, RFC 3339 timestamp', () => {
    const secret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
    const rawBody = Buffer.from('{"say": "hello"}');
    const timestamp = '2021-07-25T10:00:00Z';
    const at = Date.parse(timestamp);
    // Computed here from Zendesk's description, independently of the SDK's signer.
    const expected = createHmac('sha256', secret).update(`${timestamp}{"say": "hello"}`).digest('base64');
    const req = (headers: Record<string, string>, body = rawBody) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: body });

    it('accepts the independently computed signature and what signRequest produces', () => {
      const headers = { 'x-zendesk-webhook-signature': expected, 'x-zendesk-webhook-signature-timestamp': timestamp };
      expect(verifyRequest(ZENDESK_SIGNATURE, req(headers), { secret }, at)).toEqual({ ok: true });
      expect(signRequest(ZENDESK_SIGNATURE, req({}), { secret }, at)).toEqual(headers);
    });

    it('refuses a wrong key, a tampered body, a moved timestamp, a missing header and a stale request', () => {
      const ok = { 'x-zendesk-webhook-signature': expected, 'x-zendesk-webhook-signature-timestamp': timestamp };
      expect(verifyRequest(ZENDESK_SIGNATURE, req(ok), { secret: 'another' }, at)).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verifyRequest(ZENDESK_SIGNATURE, req(ok, Buffer.from('{"say": "hellO"}')), { secret }, at)).toMatchObject({ ok: false });
      expect(verifyRequest(ZENDESK_SIGNATURE, req({ ...ok, 'x-zendesk-webhook-signature-timestamp': '2021-07-25T10:00:01Z' }), { secret }, at)).toMatchObject({ ok: false });
      expect(verifyRequest(ZENDESK_SIGNATURE, req({ 'x-zendesk-webhook-signature-timestamp': timestamp }), { secret }, at)).toMatchObject({ ok: false, reason: 'missing_signature' });
      expect(verifyRequest(ZENDESK_SIGNATURE, req(ok), { secret }, at + 2 * 3600_000)).toMatchObject({ ok: false });
      // BODY + TIMESTAMP (an older page's order) is not what we accept.
      const reversed = createHmac('sha256', secret).update(`{"say": "hello"}${timestamp}`).digest('base64');
      expect(verifyRequest(ZENDESK_SIGNATURE, req({ ...ok, 'x-zendesk-webhook-signature': reversed }), { secret }, at)).toMatchObject({ ok: false });
    });
  });

  describe('register / check / unregister', () => {
    it('creates a webhook subscribed to the trigger\'s event, reads its signing secret, finds it and deletes it', async () => {
      const s = source('ZENDESK_TRIGGER_TICKET_CREATED');
      const reg = await s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'ours-unused' });
      const hook = [...zd.hooks.values()][0]!;
      expect(zd.requests.find((r) => r.method === 'POST')!.body).toEqual({
        webhook: { name: 'OpenTriggers ticket.created', status: 'active', endpoint: 'https://ot.example/hooks/s/sub-1', http_method: 'POST', request_format: 'json', subscriptions: ['zen:event-type:ticket.created'] },
      });
      expect(reg).toEqual({ state: { webhookId: hook.id }, secret: hook.secret });
      expect(zd.requests.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
        'POST /api/v2/webhooks Bearer valid-token', `GET /api/v2/webhooks/${hook.id}/signing_secret Bearer valid-token`,
      ]);
      const c = { ...ctx(), state: reg.state };
      expect(await s.check!(c)).toBe('active');
      hook.status = 'inactive';
      expect(await s.check!(c)).toBe('inactive');
      await s.unregister(c);
      expect(zd.hooks.size).toBe(0);
      expect(zd.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v2/webhooks/${hook.id}` });
      expect(await s.check!(c)).toBe('gone');
      await s.unregister(c); // already gone: fine
    });

    it('registers each trigger for its own event type', async () => {
      for (const [type, event] of Object.entries(TYPES)) {
        await source(type).register({ ...ctx(), hookUrl: `https://ot.example/hooks/s/${type}`, secret: 'x' });
        expect(zd.requests.filter((r) => r.method === 'POST').at(-1)!.body.webhook.subscriptions).toEqual([event]);
      }
    });

    it('maps Zendesk refusals to provider errors with Zendesk\'s message and its wait', async () => {
      const s = source('ZENDESK_TRIGGER_USER_CREATED');
      const reg = () => s.register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/a', secret: 'x' });
      zd.failNext(1, 403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' });
      await expect(reg()).rejects.toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('Forbidden: You do not have access') });
      zd.failNext(1, 400, { errors: [{ code: 'TooManyWebhooks', title: 'Too many webhooks', detail: 'Trial accounts are limited to 10 webhooks' }] });
      await expect(reg()).rejects.toMatchObject({ kind: 'permanent', message: 'Zendesk 400: Too many webhooks: Trial accounts are limited to 10 webhooks' });
      zd.failNext(1, 429, { error: 'TooManyRequests' }, { 'retry-after': '7' });
      await expect(reg()).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7000 });
      zd.failNext(1, 503);
      await expect(reg()).rejects.toMatchObject({ kind: 'transient', status: 503 });
      zd.validTokens.clear();
      await expect(reg()).rejects.toMatchObject({ kind: 'auth', status: 401 });
      zd.validTokens.add('valid-token');
      await expect(s.register({ ...ctx({}), hookUrl: 'https://ot.example/hooks/s/a', secret: 'x' })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('reconnect') });
      expect(zd.hooks.size).toBe(0);
      zd.failNext(1, 429, { error: 'TooManyRequests' }, { 'retry-after': '30' });
      await expect(s.check!({ ...ctx(), state: { webhookId: 'W1' } })).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    });

    it('deletes the new webhook when its signing secret cannot be read', async () => {
      zd.failNext(1, 503, undefined, {}, /signing_secret$/);
      await expect(source('ZENDESK_TRIGGER_TICKET_CREATED').register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/a', secret: 'x' })).rejects.toMatchObject({ kind: 'transient' });
      expect(zd.hooks.size).toBe(0);
      expect(zd.deletedHooks).toHaveLength(1);
    });

    it('classifies error bodies without quoting anything but Zendesk\'s text', () => {
      const e = zendeskError({ status: 422, headers: {}, body: { error: { title: 'Invalid', message: 'Bad endpoint' } } });
      expect(e).toMatchObject({ kind: 'permanent', message: 'Zendesk 422: Invalid: Bad endpoint' });
      expect(zendeskError({ status: 429, headers: {}, body: null })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    });
  });

  describe('toItems', () => {
    const c = () => ({ ...ctx(), state: { webhookId: 'W1' } });
    const items = async (type: string, body: unknown) => (await source(type).toItems(inbound(body), c())) as Array<{ key: string; payload: unknown; occurredAt?: number }>;

    it('keys created objects by their id, comments by comment id, status changes by ticket version', async () => {
      expect(await items('ZENDESK_TRIGGER_TICKET_CREATED', ticketCreated)).toEqual([{ key: '35436', payload: ticketCreated, occurredAt: Date.parse('2099-07-07T04:10:22Z') }]);
      expect((await items('ZENDESK_TRIGGER_USER_CREATED', userCreated))[0]!.key).toBe('6596848315901');
      expect((await items('ZENDESK_TRIGGER_ORGANIZATION_CREATED', organizationCreated))[0]).toMatchObject({ key: '6607619104125', occurredAt: Date.parse('2099-07-07T03:44:13Z') });
      expect((await items('ZENDESK_TRIGGER_TICKET_COMMENT_ADDED', ticketCommentAdded))[0]!.key).toBe('comment:7654321098765');
      expect((await items('ZENDESK_TRIGGER_TICKET_STATUS_CHANGED', ticketStatusChanged))[0]!.key).toBe('35436:2099-07-07T05:02:40Z');
    });

    it('gives a repeat the same key, even under a new event id; falls back to the subject and the event id', async () => {
      const again = { ...ticketStatusChanged, id: 'another-event-id' };
      expect((await items('ZENDESK_TRIGGER_TICKET_STATUS_CHANGED', again))[0]!.key).toBe('35436:2099-07-07T05:02:40Z');
      expect((await items('ZENDESK_TRIGGER_TICKET_CREATED', { ...ticketCreated, detail: {} }))[0]!.key).toBe('35436');
      expect((await items('ZENDESK_TRIGGER_TICKET_STATUS_CHANGED', { ...ticketStatusChanged, detail: { id: '35436' } }))[0]!.key).toBe(`event:${ticketStatusChanged.id}`);
      expect((await items('ZENDESK_TRIGGER_TICKET_COMMENT_ADDED', { ...ticketCommentAdded, event: {} }))[0]!.key).toBe(`event:${ticketCommentAdded.id}`);
    });

    it('ignores other event types and bodies without an identity', async () => {
      expect(await items('ZENDESK_TRIGGER_TICKET_CREATED', ticketStatusChanged)).toEqual([]);
      expect(await items('ZENDESK_TRIGGER_USER_CREATED', organizationCreated)).toEqual([]);
      expect(await items('ZENDESK_TRIGGER_ORGANIZATION_CREATED', { type: 'zen:event-type:organization.created', detail: null })).toEqual([]);
      expect(await items('ZENDESK_TRIGGER_TICKET_CREATED', [])).toEqual([]);
      expect(source('ZENDESK_TRIGGER_TICKET_CREATED').deliveryId!(inbound(ticketCreated))).toBe(ticketCreated.id);
    });
  });
});
