// Webex, source level: the X-Spark-Signature check (hex HMAC-SHA1 of the raw body with the webhook's secret),
// the space parameters and the filter they become, webhook creation, deletion and the hourly check against the
// fake Webex over real HTTP (body sent, 400/401/403/404, 429 with Retry-After, 5xx, inactive webhooks), reading
// the message a thin message notification names, and the item key of each trigger (stable across retries).
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { validateParameters } from '../../src/engine/parameters.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { filterOf, webexMessage, type WebexParams } from '../../src/integrations/webex/api.js';
import { webexIntegration } from '../../src/integrations/webex/integration.js';
import { WEBEX_SIGNATURE, webexKey } from '../../src/integrations/webex/webhooks.js';
import messageCreated from '../../src/integrations/webex/fixtures/message-created.json' with { type: 'json' };
import message from '../../src/integrations/webex/fixtures/message.json' with { type: 'json' };
import roomCreated from '../../src/integrations/webex/fixtures/room-created.json' with { type: 'json' };
import membershipCreated from '../../src/integrations/webex/fixtures/membership-created.json' with { type: 'json' };
import meetingStarted from '../../src/integrations/webex/fixtures/meeting-started.json' with { type: 'json' };
import meetingEnded from '../../src/integrations/webex/fixtures/meeting-ended.json' with { type: 'json' };
import { startFakeWebex, type FakeWebex } from '../providers/webex.js';

const silent = { debug() {}, info() {}, warn() {} };
const TOKEN = 'webex-access-token-for-tests';
const ALL_SCOPES = ['spark:messages_read', 'spark:rooms_read', 'spark:memberships_read', 'meeting:schedules_read'];
const ROOM = 'Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0';
const TYPES = ['WEBEX_TRIGGER_MESSAGE_CREATED', 'WEBEX_TRIGGER_SPACE_CREATED', 'WEBEX_TRIGGER_MEMBERSHIP_CREATED', 'WEBEX_TRIGGER_MEETING_STARTED', 'WEBEX_TRIGGER_MEETING_ENDED'];

function source(type: string): WebhookSource<WebexParams> {
  const t = webexIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource<WebexParams>;
}

function inbound(body: unknown): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json' }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('webex', () => {
  let wx: FakeWebex;
  let http: HttpClient;
  const ctx = (params: WebexParams = {}, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const items = async (type: string, body: unknown) => {
    const r = await source(type).toItems(inbound(body), ctx());
    return Array.isArray(r) ? r : r.items;
  };

  beforeEach(async () => {
    wx = await startFakeWebex();
    wx.tokens.set(TOKEN, ALL_SCOPES);
    wx.tokens.set('no-meetings', ['spark:messages_read']);
    wx.rooms.add(ROOM);
    wx.messages.set(message.id, message);
    http = createProviderHttp({ integration: webexIntegration, apiBaseUrl: wx.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${TOKEN}` }) } });
  });
  afterEach(async () => {
    await wx.close();
  });

  it('declares five webhook triggers, OAuth 2 at webexapis.com with the read scopes', () => {
    expect(webexIntegration.key).toBe('webex');
    expect(webexIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(webexIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://webexapis.com/v1/authorize', tokenUrl: 'https://webexapis.com/v1/access_token', scopes: ALL_SCOPES, clientAuth: 'body',
    });
    expect(webexIntegration.apiBaseUrl).toBe('https://webexapis.com');
    for (const t of webexIntegration.triggers) {
      expect(t.source.kind).toBe('webhook');
      expect(t.source.kind === 'webhook' && t.source.redeliveryDays).toBeFalsy();
      expect(t.source.kind === 'webhook' && t.source.verification).toEqual(WEBEX_SIGNATURE);
    }
    // The message example is the envelope with the message read from the API in `data`.
    expect(webexIntegration.triggers[0]!.examplePayload).toMatchObject({ resource: 'messages', data: { text: message.text } });
  });

  describe('parameters and filters', () => {
    it('accepts Webex ids and the two space types, refuses anything else with the parameter name', () => {
      const msg = webexIntegration.triggers[0]!.parameters;
      expect(validateParameters(msg, { roomId: ROOM })).toEqual({ roomId: ROOM });
      expect(validateParameters(msg, {})).toEqual({});
      expect(() => validateParameters(msg, { roomId: 'abc&personId=x' })).toThrow(/parameters\.roomId/);
      expect(() => validateParameters(msg, { roomId: 'short' })).toThrow(/parameters\.roomId/);
      const rooms = webexIntegration.triggers[1]!.parameters;
      expect(validateParameters(rooms, { roomType: 'group' })).toEqual({ roomType: 'group' });
      expect(() => validateParameters(rooms, { roomType: 'team' })).toThrow(/parameters\.roomType/);
    });
    it('builds the webhook filter from them', () => {
      expect(filterOf({})).toBeUndefined();
      expect(filterOf({ roomId: ` ${ROOM} ` })).toBe(`roomId=${ROOM}`);
      expect(filterOf({ roomType: 'direct' })).toBe('type=direct');
      expect(() => filterOf({ roomId: 'x=1&y' })).toThrow(ProviderError);
    });
  });

  describe('verification (X-Spark-Signature)', () => {
    const req = (body: string, signature?: string) => ({ method: 'POST', url: '/hooks/s/x', headers: signature ? { 'x-spark-signature': signature } : {}, rawBody: Buffer.from(body) });
    const body = JSON.stringify(messageCreated);
    const mac = createHmac('sha1', 'somesupersecretphrase').update(body).digest('hex');

    it('accepts the hex HMAC-SHA1 of the raw body with the secret, as Webex computes it', () => {
      expect(verifyRequest(WEBEX_SIGNATURE, req(body, mac), { secret: 'somesupersecretphrase' }, Date.now())).toEqual({ ok: true });
      expect(signRequest(WEBEX_SIGNATURE, req(body), { secret: 'somesupersecretphrase' }, Date.now())).toEqual({ 'x-spark-signature': mac });
    });
    it('refuses another secret, a changed body, a missing header, a SHA-256 MAC', () => {
      expect(verifyRequest(WEBEX_SIGNATURE, req(body, mac), { secret: 'other' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(WEBEX_SIGNATURE, req(`${body} `, mac), { secret: 'somesupersecretphrase' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(WEBEX_SIGNATURE, req(body), { secret: 'somesupersecretphrase' }, Date.now()).ok).toBe(false);
      const sha256 = createHmac('sha256', 'somesupersecretphrase').update(body).digest('hex');
      expect(verifyRequest(WEBEX_SIGNATURE, req(body, sha256), { secret: 'somesupersecretphrase' }, Date.now()).ok).toBe(false);
    });
  });

  describe('registration', () => {
    const reg = (type: string, params: WebexParams = {}) =>
      source(type).register({ ...ctx(params), hookUrl: 'https://hooks.example.com/hooks/s/sub-1', secret: 's'.repeat(64) });
    const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ProviderError);

    it('creates the webhook with resource, event, filter and secret, and keeps its id', async () => {
      const r = await reg('WEBEX_TRIGGER_MESSAGE_CREATED', { roomId: ROOM });
      const hook = [...wx.webhooks.values()][0]!;
      expect(r.state).toEqual({ webhookId: hook.id, resource: 'messages', event: 'created', filter: `roomId=${ROOM}` });
      expect(wx.requests.at(-1)).toEqual({
        method: 'POST', path: '/v1/webhooks', auth: `Bearer ${TOKEN}`,
        body: { name: 'OpenTriggers WEBEX_TRIGGER_MESSAGE_CREATED', targetUrl: 'https://hooks.example.com/hooks/s/sub-1', resource: 'messages', event: 'created', filter: `roomId=${ROOM}`, secret: 's'.repeat(64) },
      });
      await reg('WEBEX_TRIGGER_MEETING_ENDED');
      expect(wx.requests.at(-1)!.body).toEqual({ name: 'OpenTriggers WEBEX_TRIGGER_MEETING_ENDED', targetUrl: 'https://hooks.example.com/hooks/s/sub-1', resource: 'meetings', event: 'ended', secret: 's'.repeat(64) });
      await reg('WEBEX_TRIGGER_SPACE_CREATED', { roomType: 'group' });
      expect(wx.requests.at(-1)!.body).toMatchObject({ resource: 'rooms', event: 'created', filter: 'type=group' });
    });

    it('classifies Webex refusals and keeps its message and trackingId', async () => {
      const unknownRoom = await failure(reg('WEBEX_TRIGGER_MESSAGE_CREATED', { roomId: ROOM.replace('Y2', 'Z2') }));
      expect([unknownRoom?.kind, unknownRoom?.status]).toEqual(['permanent', 400]);
      expect(unknownRoom?.message).toMatch(/invalid value for filter: roomId \(trackingId ROUTER_/);

      wx.rateLimitNext(17);
      const limited = await failure(reg('WEBEX_TRIGGER_MESSAGE_CREATED'));
      expect([limited?.kind, limited?.status, limited?.retryAfterMs]).toEqual(['rate_limited', 429, 17_000]);

      wx.failNext(1, 503);
      expect((await failure(reg('WEBEX_TRIGGER_MESSAGE_CREATED')))?.kind).toBe('transient');

      const scoped = createProviderHttp({ integration: webexIntegration, apiBaseUrl: wx.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer no-meetings' }) } });
      const noScope = await failure(source('WEBEX_TRIGGER_MEETING_STARTED').register({ ...ctx(), http: scoped, hookUrl: 'https://h.example.com/x', secret: 'x'.repeat(64) }));
      expect([noScope?.kind, noScope?.status]).toEqual(['permanent', 403]);
      expect(noScope?.message).toContain('meeting:schedules_read');

      const revoked = createProviderHttp({ integration: webexIntegration, apiBaseUrl: wx.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer revoked' }) } });
      const auth = await failure(source('WEBEX_TRIGGER_MESSAGE_CREATED').register({ ...ctx(), http: revoked, hookUrl: 'https://h.example.com/x', secret: 'x'.repeat(64) }));
      expect(auth?.kind).toBe('auth');
      expect(wx.webhooks.size).toBe(0);
    });

    it('deletes on unregister (already gone is fine) and checks hourly: active, inactive, gone', async () => {
      const s = source('WEBEX_TRIGGER_MEMBERSHIP_CREATED');
      const { state } = await reg('WEBEX_TRIGGER_MEMBERSHIP_CREATED', { roomId: ROOM });
      const hook = wx.webhooks.get(state.webhookId as string)!;
      expect(await s.check!(ctx({}, state))).toBe('active');
      expect(wx.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/webhooks/${hook.id}` });
      hook.status = 'inactive';
      expect(await s.check!(ctx({}, state))).toBe('inactive');
      await s.unregister(ctx({}, state));
      expect(wx.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/webhooks/${hook.id}` });
      expect(wx.webhooks.size).toBe(0);
      expect(await s.check!(ctx({}, state))).toBe('gone');
      await expect(s.unregister(ctx({}, state))).resolves.toBeUndefined();
      expect(await s.check!(ctx({}, {}))).toBe('gone');
      wx.failNext(1, 502);
      await expect(s.check!(ctx({}, state))).rejects.toMatchObject({ kind: 'transient' });
    });
  });

  describe('items', () => {
    it('reads the message a notification names and delivers it in the envelope', async () => {
      const [item] = await items('WEBEX_TRIGGER_MESSAGE_CREATED', messageCreated);
      expect(item).toEqual({
        key: `messages:created:${message.id}@2015-10-18T14:26:16.000Z`,
        payload: { ...messageCreated, data: message },
        occurredAt: Date.parse('2015-10-18T14:26:16.000Z'),
      });
      expect(wx.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/messages/${message.id}`, auth: `Bearer ${TOKEN}` });
    });
    it('drops a message deleted before it was read; fails with the right kind when Webex refuses', async () => {
      wx.messages.clear();
      expect(await items('WEBEX_TRIGGER_MESSAGE_CREATED', messageCreated)).toEqual([]);
      wx.failNext(1, 401, { message: 'The request requires a valid access token set in the Authorization request header.', errors: [], trackingId: 't' });
      await expect(items('WEBEX_TRIGGER_MESSAGE_CREATED', messageCreated)).rejects.toMatchObject({ kind: 'auth' });
      wx.rateLimitNext(3);
      await expect(items('WEBEX_TRIGGER_MESSAGE_CREATED', messageCreated)).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    });
    it('keys every trigger by resource, event, object id and created time, the same on every retry', async () => {
      expect((await items('WEBEX_TRIGGER_SPACE_CREATED', roomCreated)).map((i) => i.key)).toEqual([`rooms:created:${ROOM}@2016-04-21T19:01:55.966Z`]);
      const [m] = await items('WEBEX_TRIGGER_MEMBERSHIP_CREATED', membershipCreated);
      expect(m!.key).toBe(`memberships:created:${membershipCreated.data.id}@2015-10-18T14:26:16.203Z`);
      expect(m!.payload).toEqual(membershipCreated);
      // Removed and added again: the same membership id, a new created time, a new key.
      const again = { ...membershipCreated, data: { ...membershipCreated.data, created: '2015-10-19T09:00:00.000Z' } };
      expect(webexKey(again)).not.toBe(m!.key);
      expect((await items('WEBEX_TRIGGER_MEETING_STARTED', meetingStarted)).map((i) => i.key)).toEqual([`meetings:started:${meetingStarted.data.id}`]);
      expect((await items('WEBEX_TRIGGER_MEETING_ENDED', meetingEnded)).map((i) => i.key)).toEqual([`meetings:ended:${meetingEnded.data.id}`]);
    });
    it('ignores bodies of another resource or event, or without data.id', async () => {
      expect(await items('WEBEX_TRIGGER_MEETING_STARTED', meetingEnded)).toEqual([]);
      expect(await items('WEBEX_TRIGGER_SPACE_CREATED', { ...roomCreated, event: 'updated' })).toEqual([]);
      expect(await items('WEBEX_TRIGGER_SPACE_CREATED', { ...roomCreated, data: {} })).toEqual([]);
      expect(await items('WEBEX_TRIGGER_MESSAGE_CREATED', { ...messageCreated, data: null })).toEqual([]);
    });
  });

  it('reads Webex error bodies', () => {
    expect(webexMessage({ message: 'Not found', errors: [{ description: 'Not found' }], trackingId: 'ROUTER_1' })).toBe('Not found (trackingId ROUTER_1)');
    expect(webexMessage({ errors: [{ description: 'a' }, { description: 'b' }] })).toBe('a; b');
    expect(webexMessage(null)).toBeUndefined();
  });
});
