// SurveyMonkey triggers at the source level: webhook creation (after SurveyMonkey's HEAD check), deletion and the
// hourly read against the fake SurveyMonkey over real HTTP; the Sm-Signature scheme against the documented
// computation; item keys and the read-back of responses and surveys; parameters; error mapping; the account id.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { surveyMonkeyError } from '../../src/integrations/surveyMonkey/api.js';
import responseDetails from '../../src/integrations/surveyMonkey/fixtures/response-details.json' with { type: 'json' };
import responseEvent from '../../src/integrations/surveyMonkey/fixtures/response-event.json' with { type: 'json' };
import surveyCreatedEvent from '../../src/integrations/surveyMonkey/fixtures/survey-created-event.json' with { type: 'json' };
import survey from '../../src/integrations/surveyMonkey/fixtures/survey.json' with { type: 'json' };
import { surveyMonkeyIntegration } from '../../src/integrations/surveyMonkey/integration.js';
import { SURVEYMONKEY_SIGNATURE, itemKey } from '../../src/integrations/surveyMonkey/webhooks.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeSurveyMonkey, surveyMonkeySignature, type FakeSurveyMonkey } from '../providers/surveyMonkey.js';

const silent = { debug() {}, info() {}, warn() {} };
const SURVEY = responseEvent.resources.survey_id;
const RESPONSE = responseEvent.object_id;
const TYPES = ['SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED', 'SURVEYMONKEY_TRIGGER_RESPONSE_UPDATED', 'SURVEYMONKEY_TRIGGER_SURVEY_CREATED'];

function trigger(type: string) {
  const t = surveyMonkeyIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t;
}
const source = (type: string): WebhookSource => trigger(type).source as WebhookSource;

function inbound(body: unknown): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json' }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('surveyMonkey', () => {
  let fake: FakeSurveyMonkey;
  let http: HttpClient;
  let callback: Server;
  let headStatus = 200;
  let hookUrl: string;
  const httpFor = (token: string) => createProviderHttp({
    integration: surveyMonkeyIntegration, apiBaseUrl: fake.apiBaseUrl,
    auth: { canRefresh: false, headers: async () => ({ authorization: `bearer ${token}` }) },
  });
  const ctx = (params: Record<string, unknown> = { surveyId: SURVEY }, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: '12345678', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeSurveyMonkey();
    fake.validTokens.set('user-token', '12345678');
    fake.surveys.set(SURVEY, { ...survey, id: SURVEY });
    fake.surveys.set(survey.id, survey);
    fake.responses.set(`${SURVEY}/${RESPONSE}`, responseDetails);
    http = httpFor('user-token');
    headStatus = 200;
    callback = createServer((req, res) => {
      res.writeHead(req.method === 'HEAD' ? headStatus : 405);
      res.end();
    });
    await new Promise<void>((r) => callback.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/hooks/s/sub-1`;
  });
  afterEach(async () => {
    await fake.close();
    await new Promise<void>((r) => callback.close(() => r()));
  });

  it('declares its trigger types, OAuth 2 without refresh or requested scopes, and the US API host by default', () => {
    expect(surveyMonkeyIntegration.key).toBe('surveyMonkey');
    expect(surveyMonkeyIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(surveyMonkeyIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://api.surveymonkey.com/oauth/authorize', tokenUrl: 'https://api.surveymonkey.com/oauth/token', scopes: [], clientAuth: 'body',
    });
    expect(surveyMonkeyIntegration.apiBaseUrl).toBe('https://api.surveymonkey.com/v3');
    expect(surveyMonkeyIntegration.accountParameters).toBeUndefined();
    for (const type of TYPES) expect(source(type).appSigningKey).toMatchObject({ required: true, description: expect.stringContaining('&') });
  });

  describe('signature', () => {
    const body = JSON.stringify(responseEvent);
    const key = 'client-id&client-secret';
    const req = (signature: string | undefined, raw = body) =>
      ({ method: 'POST', url: '/hooks/s/x', headers: signature === undefined ? {} : { 'sm-signature': signature }, rawBody: Buffer.from(raw) });

    it('is base64 HMAC-SHA1 of the raw body keyed with "{client id}&{client secret}", as the docs compute it', () => {
      // The documented computation, written out independently: hmac.new(key='%s&%s' % (api_key, api_secret), msg=payload, sha1), base64.
      const expected = createHmac('sha1', Buffer.from('client-id&client-secret', 'ascii')).update(Buffer.from(body, 'ascii')).digest().toString('base64');
      expect(surveyMonkeySignature(key, body)).toBe(expected);
      expect(verifyRequest(SURVEYMONKEY_SIGNATURE, req(expected), { secret: key }, Date.now())).toEqual({ ok: true });
      expect(signRequest(SURVEYMONKEY_SIGNATURE, req(undefined), { secret: key }, Date.now())).toEqual({ 'sm-signature': expected });
    });

    it('refuses the client secret alone, another key, a changed body and a missing signature', () => {
      const sig = surveyMonkeySignature(key, body);
      expect(verifyRequest(SURVEYMONKEY_SIGNATURE, req(surveyMonkeySignature('client-secret', body)), { secret: key }, Date.now()).ok).toBe(false);
      expect(verifyRequest(SURVEYMONKEY_SIGNATURE, req(sig), { secret: 'client-id&other-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(SURVEYMONKEY_SIGNATURE, req(sig, body.replace(RESPONSE, '114500000000')), { secret: key }, Date.now()).ok).toBe(false);
      expect(verifyRequest(SURVEYMONKEY_SIGNATURE, req(undefined), { secret: key }, Date.now()).ok).toBe(false);
    });
  });

  describe('items', () => {
    it('response completed: reads the response back and keys the item by event_id', async () => {
      const s = source('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
      const items = await s.toItems(inbound(responseEvent), ctx());
      expect(items).toEqual([{ key: `event:${responseEvent.event_id}`, payload: { event: responseEvent, response: responseDetails }, occurredAt: Date.parse(responseEvent.event_datetime) }]);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v3/surveys/${SURVEY}/responses/${RESPONSE}/details`]);
      expect(s.deliveryId!(inbound(responseEvent))).toBe(responseEvent.event_id);
      // A retry of the same callback maps to the same key.
      expect(await s.toItems(inbound(responseEvent), ctx())).toMatchObject([{ key: `event:${responseEvent.event_id}` }]);
    });

    it('response updated takes only response_updated callbacks of its survey', async () => {
      const updated = { ...responseEvent, event_type: 'response_updated', event_id: '10000123457' };
      const s = source('SURVEYMONKEY_TRIGGER_RESPONSE_UPDATED');
      expect(await s.toItems(inbound(updated), ctx())).toMatchObject([{ key: 'event:10000123457', payload: { event: updated, response: responseDetails } }]);
      expect(await s.toItems(inbound(responseEvent), ctx())).toEqual([]);
      expect(await source('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED').toItems(inbound(updated), ctx())).toEqual([]);
      const otherSurvey = { ...updated, filter_id: '999', resources: { ...updated.resources, survey_id: '999' } };
      expect(await s.toItems(inbound(otherSurvey), ctx())).toEqual([]);
    });

    it('survey created reads the survey back; a survey or response deleted meanwhile is delivered as null', async () => {
      const s = source('SURVEYMONKEY_TRIGGER_SURVEY_CREATED');
      expect(await s.toItems(inbound(surveyCreatedEvent), ctx({}))).toEqual([
        { key: `event:${surveyCreatedEvent.event_id}`, payload: { event: surveyCreatedEvent, survey }, occurredAt: Date.parse(surveyCreatedEvent.event_datetime) },
      ]);
      fake.surveys.delete(survey.id);
      expect(await s.toItems(inbound(surveyCreatedEvent), ctx({}))).toMatchObject([{ payload: { event: surveyCreatedEvent, survey: null } }]);
      fake.responses.clear();
      expect(await source('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED').toItems(inbound(responseEvent), ctx())).toMatchObject([{ payload: { response: null } }]);
    });

    it('keys without event_id fall back to type, object and time; bodies without ids are ignored', async () => {
      const { event_id: _e, ...noEventId } = responseEvent;
      expect(itemKey(noEventId)).toBe(`response_completed:${RESPONSE}:${responseEvent.event_datetime}`);
      expect(itemKey({ event_type: 'response_completed' })).toBeNull();
      const s = source('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
      expect(await s.toItems(inbound({ event_type: 'response_completed', resources: {} }), ctx())).toEqual([]);
      expect(await s.toItems(inbound({ ...responseEvent, object_id: '../users/me' }), ctx())).toEqual([]);
      expect(fake.requests).toHaveLength(0);
    });

    it('a failed read back is a classified error: 403 (plan or scope) permanent with the message, 5xx transient', async () => {
      const s = source('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
      fake.failNext(1, 403, { id: '1015', name: 'Permission Error', message: 'The user does not have the required plan to make this request.' });
      await expect(s.toItems(inbound(responseEvent), ctx())).rejects.toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('required plan') });
      fake.failNext(1, 503);
      await expect(s.toItems(inbound(responseEvent), ctx())).rejects.toMatchObject({ kind: 'transient' });
    });
  });

  describe('parameters', () => {
    it('response triggers require a numeric survey id; survey created takes none', () => {
      for (const type of TYPES.slice(0, 2)) {
        const p = trigger(type).parameters.find((x) => x.id === 'surveyId')!;
        expect(p.required).toBe(true);
        expect(p.validate!(SURVEY)).toBeNull();
        for (const bad of ['My survey', 42, '', '12/34']) expect(p.validate!(bad)).toContain('survey id');
      }
      expect(trigger('SURVEYMONKEY_TRIGGER_SURVEY_CREATED').parameters).toEqual([]);
    });
  });

  describe('register / unregister / check', () => {
    it('creates a survey-filtered webhook after the HEAD check, reads it hourly, deletes it', async () => {
      const s = source('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
      const reg = await s.register({ ...ctx(), hookUrl, secret: 'f'.repeat(64) });
      const hook = [...fake.hooks.values()][0]!;
      expect(fake.headChecks).toEqual([{ url: hookUrl, status: 200 }]);
      expect(hook).toMatchObject({ event_type: 'response_completed', object_type: 'survey', object_ids: [SURVEY], subscription_url: hookUrl, token: 'user-token' });
      expect(reg).toEqual({ state: { webhookId: hook.id } });
      expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v3/webhooks', auth: 'bearer user-token' });

      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('active');
      await s.unregister({ ...ctx(), state: reg.state });
      expect(fake.hooks.size).toBe(0);
      expect(fake.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('gone');
      await s.unregister({ ...ctx(), state: reg.state }); // already gone: 404 is fine
    });

    it('survey created registers without object_type or object_ids', async () => {
      const reg = await source('SURVEYMONKEY_TRIGGER_SURVEY_CREATED').register({ ...ctx({}), hookUrl, secret: 's' });
      expect(fake.requests[0]!.body).toEqual({ name: 'OpenTriggers', event_type: 'survey_created', subscription_url: hookUrl });
      expect(fake.hooks.get(reg.state.webhookId as string)).toMatchObject({ object_type: null, object_ids: [] });
    });

    it('reports SurveyMonkey refusals with their reason and never leaks the token', async () => {
      const s = source('SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED');
      await expect(s.register({ ...ctx({ surveyId: '777' }), hookUrl, secret: 's' })).rejects.toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('Resource Not Found') });
      await expect(s.register({ ...ctx({ surveyId: 'abc' }), hookUrl, secret: 's' })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('surveyId') });
      headStatus = 404;
      await expect(s.register({ ...ctx(), hookUrl, secret: 's' })).rejects.toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining('HEAD') });
      headStatus = 200;
      fake.failNext(1, 429, { id: '1040', name: 'Rate limit reached', message: 'Too many requests were made, try again later.' }, { 'retry-after': '7' });
      await expect(s.register({ ...ctx(), hookUrl, secret: 's' })).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
      const err = await s.register({ ...ctx(), http: httpFor('revoked-token'), hookUrl, secret: 's' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'auth', status: 401, message: expect.stringContaining('error 1011') });
      expect((err as Error).message).not.toContain('revoked-token');
      expect(fake.hooks.size).toBe(0);
    });

    it('maps error bodies without SurveyMonkey fields too', () => {
      const e = surveyMonkeyError({ status: 502, headers: {}, body: '<html>' }, 'reading');
      expect(e).toMatchObject({ kind: 'transient', status: 502, message: 'SurveyMonkey 502 reading' });
      expect(surveyMonkeyError({ status: 429, headers: {}, body: null }, 'x', 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    });
  });

  describe('account', () => {
    it('is the user of GET /users/me; a known access_url is kept for the operator, anything else is dropped', async () => {
      const id = (args: Parameters<NonNullable<typeof surveyMonkeyIntegration.accountId>>[0]) => surveyMonkeyIntegration.accountId!(args);
      expect(await id({ http, token: { accessToken: 'user-token', extra: { access_url: 'https://api.eu.surveymonkey.com' } } }))
        .toEqual({ providerAccountId: '12345678', extra: { userId: '12345678', accessUrl: 'https://api.eu.surveymonkey.com' } });
      expect(await id({ http, token: { accessToken: 'user-token', extra: { access_url: 'http://169.254.169.254' } } }))
        .toEqual({ providerAccountId: '12345678', extra: { userId: '12345678' } });
      await expect(id({ http: httpFor('nope'), token: { accessToken: 'nope' } })).rejects.toMatchObject({ kind: 'auth' });
    });
  });
});
