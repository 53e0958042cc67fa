// PagerDuty triggers at the source level: registration, removal and the hourly check against the fake PagerDuty
// over real HTTP, the signature scheme (several comma-separated `v1=` signatures) against independently computed
// vectors, parameter validation, PagerDuty's error answers, and the mapping of v3 webhook bodies to items and keys.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateParameters } from '../../src/engine/parameters.js';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { pagerdutyError } from '../../src/integrations/pagerduty/api.js';
import incidentAcknowledged from '../../src/integrations/pagerduty/fixtures/incident-acknowledged.json' with { type: 'json' };
import incidentAnnotated from '../../src/integrations/pagerduty/fixtures/incident-annotated.json' with { type: 'json' };
import incidentResolved from '../../src/integrations/pagerduty/fixtures/incident-resolved.json' with { type: 'json' };
import incidentTriggered from '../../src/integrations/pagerduty/fixtures/incident-triggered.json' with { type: 'json' };
import { pagerdutyIntegration } from '../../src/integrations/pagerduty/integration.js';
import { PAGERDUTY_SIGNATURE } from '../../src/integrations/pagerduty/webhooks.js';
import { ProviderError, schemeProblems, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { PAGERDUTY_ACCEPT, pagerdutySignature, startFakePagerDuty, type FakePagerDuty } from '../providers/pagerduty.js';

const silent = { debug() {}, info() {}, warn() {} };
const CASES = [
  ['PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', 'incident.triggered', incidentTriggered],
  ['PAGERDUTY_TRIGGER_INCIDENT_ACKNOWLEDGED', 'incident.acknowledged', incidentAcknowledged],
  ['PAGERDUTY_TRIGGER_INCIDENT_RESOLVED', 'incident.resolved', incidentResolved],
  ['PAGERDUTY_TRIGGER_INCIDENT_ANNOTATED', 'incident.annotated', incidentAnnotated],
] as const;

function trigger(type: string) {
  const t = pagerdutyIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t as typeof t & { source: WebhookSource };
}
const source = (type: string) => trigger(type).source;

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('pagerduty', () => {
  let pd: FakePagerDuty;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const reg = (type: string, params: Record<string, unknown> = {}, hookUrl = 'https://ot.example/hooks/s/sub-1') =>
    source(type).register({ ...ctx(params), hookUrl, secret: 'f'.repeat(64) });

  beforeEach(async () => {
    pd = await startFakePagerDuty();
    pd.validTokens.add('valid-token');
    http = createProviderHttp({ integration: pagerdutyIntegration, apiBaseUrl: pd.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await pd.close();
  });

  it('declares four webhook triggers, Scoped OAuth for webhook subscriptions, the API base and the versioning header', () => {
    expect(pagerdutyIntegration.key).toBe('pagerduty');
    expect(pagerdutyIntegration.triggers.map((t) => t.type)).toEqual(CASES.map((c) => c[0]));
    expect(pagerdutyIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://identity.pagerduty.com/oauth/authorize', tokenUrl: 'https://identity.pagerduty.com/oauth/token',
      scopes: ['webhook_subscriptions.read', 'webhook_subscriptions.write'],
    });
    // Or a REST API key, sent as PagerDuty documents: `Authorization: Token token=<key>`.
    expect(pagerdutyIntegration.alternativeAuth).toEqual({ kind: 'apiKey', header: 'authorization', prefix: 'Token token=' });
    expect('accountId' in pagerdutyIntegration).toBe(false); // nothing read at connect that a key credential would lack
    expect(pagerdutyIntegration.apiBaseUrl).toBe('https://api.pagerduty.com');
    expect(pagerdutyIntegration.defaultHeaders).toEqual({ accept: PAGERDUTY_ACCEPT });
    for (const t of pagerdutyIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.required])).toEqual([['serviceId', false]]);
      // Retries are documented (5 attempts, ~20 minutes), manual resends are not: every key keeps its marker.
      expect((t.source as WebhookSource).redeliveryDays).toBeUndefined();
      expect(t.source.kind).toBe('webhook');
    }
  });

  describe('signature', () => {
    // Digests computed with `openssl dgst -sha256 -hmac <secret>` over the exact body bytes.
    const body = '{"event":{"id":"5ac64822-4adc-4fda-ade0-410becf0de4f","event_type":"incident.triggered"}}';
    const current = '8861dd631399596c306f6ef72a6b1257e0cc7d9b48c19badef8f108aa0598c66';
    const previous = 'cf14eff8e593a0357007bb7e96bf42b24c37c4eb985166d8b3ddc8f37c177f1a';
    const req = (signature: string | undefined, raw = body) => ({
      method: 'POST', url: '/hooks/s/x', headers: signature === undefined ? {} : { 'x-pagerduty-signature': signature }, rawBody: Buffer.from(raw),
    });
    const verify = (signature: string | undefined, secret = 'pd_test_secret', raw = body) => verifyRequest(PAGERDUTY_SIGNATURE, req(signature, raw), { secret }, Date.now());

    it('is well-formed data and signs as PagerDuty does (independent vector)', () => {
      expect(schemeProblems(PAGERDUTY_SIGNATURE)).toEqual([]);
      expect(pagerdutySignature(['pd_test_secret'], body)).toBe(`v1=${current}`);
      expect(signRequest(PAGERDUTY_SIGNATURE, req(undefined), { secret: 'pd_test_secret' }, Date.now())).toEqual({ 'x-pagerduty-signature': `v1=${current}` });
      expect(verify(`v1=${current}`)).toEqual({ ok: true });
      // No timestamp in the scheme: nothing to check freshness against.
      expect(verifyRequest(PAGERDUTY_SIGNATURE, req(`v1=${current}`), { secret: 'pd_test_secret' }, Date.now() + 86_400_000)).toEqual({ ok: true });
    });

    it('accepts one match among several comma-separated v1 signatures (secret rotation), in any position', () => {
      expect(verify(`v1=${previous},v1=${current}`)).toEqual({ ok: true });
      expect(verify(`v1=${current},v1=${previous}`)).toEqual({ ok: true });
      expect(verify(`v1=${previous}, v1=${current}`)).toEqual({ ok: true });
      expect(verify(`v1=${previous},v1=${current}`, 'pd_old_secret')).toEqual({ ok: true });
      // Other versions are skipped, not failing the request.
      expect(verify(`v2=abcdef,v1=${current}`)).toEqual({ ok: true });
    });

    it('refuses a wrong secret, a tampered or re-serialised body, a missing header and no v1 entry', () => {
      expect(verify(`v1=${previous},v1=${current}`, 'another_secret')).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verify(`v1=${current}`, 'pd_test_secret', body.replace('triggered', 'resolved'))).toMatchObject({ ok: false, reason: 'bad_signature' });
      expect(verify(`v1=${current}`, 'pd_test_secret', JSON.stringify(JSON.parse(body), null, 1)).ok).toBe(false);
      expect(verify(undefined)).toMatchObject({ ok: false, reason: 'missing_signature' });
      expect(verify(current).ok).toBe(false);
      expect(verify(`v0=${current}`).ok).toBe(false);
    });
  });

  describe('parameters', () => {
    it('accept a PagerDuty id and refuse anything else, naming the parameter', () => {
      const params = trigger('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED').parameters;
      expect(validateParameters(params, { serviceId: 'PF9KMXH' })).toEqual({ serviceId: 'PF9KMXH' });
      expect(validateParameters(params, {})).toEqual({});
      expect(() => validateParameters(params, { serviceId: 'PF9/../X' })).toThrow(/parameters\.serviceId: must be a PagerDuty service id/);
      expect(() => validateParameters(params, { teamId: 'PFCVPS0' })).toThrow(/parameters\.teamId: unknown parameter/);
    });
  });

  describe('mapping', () => {
    it.each(CASES)('%s: the body as sent, keyed by event.id, at event.occurred_at; other event types give nothing', async (type, eventType, fixture) => {
      const req = inbound(fixture, { 'x-webhook-id': 'wh-1', 'x-webhook-subscription': 'PSUB001' });
      const items = await source(type).toItems(req, ctx({}, { webhookSubscriptionId: 'PSUB001' }));
      expect(items).toEqual([{ key: fixture.event.id, payload: fixture, occurredAt: Date.parse(fixture.event.occurred_at) }]);
      expect(fixture.event.event_type).toBe(eventType);
      expect(source(type).deliveryId!(req)).toBe('wh-1');
      // A retry (same body, new or same X-Webhook-Id) maps to the same key.
      expect(await source(type).toItems(inbound(fixture, { 'x-webhook-id': 'wh-2' }), ctx({}, { webhookSubscriptionId: 'PSUB001' }))).toEqual(items);
      for (const [, other, otherFixture] of CASES) {
        if (other !== eventType) expect(await source(type).toItems(inbound(otherFixture), ctx())).toEqual([]);
      }
    });

    it('ignores pings, bodies without an event id and deliveries naming another subscription', async () => {
      const s = source('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED');
      expect(await s.toItems(inbound({ event: { id: 'x', event_type: 'pagey.ping', data: null } }), ctx())).toEqual([]);
      expect(await s.toItems(inbound({ event: { ...incidentTriggered.event, id: '' } }), ctx())).toEqual([]);
      expect(await s.toItems(inbound({ messages: [] }), ctx())).toEqual([]);
      expect(await s.toItems(inbound(incidentTriggered, { 'x-webhook-subscription': 'POTHER1' }), ctx({}, { webhookSubscriptionId: 'PSUB001' }))).toEqual([]);
      // The annotated note's payload is the documented incident_note.
      expect(incidentAnnotated.event.data).toMatchObject({ type: 'incident_note', incident: { id: 'PGR0VU2' } });
    });
  });

  describe('errors', () => {
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });
    it('maps 401 to auth, 429 to rate_limited (ratelimit-reset), 5xx to transient and the rest to permanent with PagerDuty\'s message', () => {
      const body = { error: { message: 'Invalid Input Provided', code: 2001, errors: ['Filter id is required'] } };
      expect(pagerdutyError(res(401, { error: { message: 'Unauthorized', code: 2006 } }))).toMatchObject({ kind: 'auth', status: 401, message: 'PagerDuty 401: Unauthorized (code 2006)' });
      expect(pagerdutyError(res(429, { error: { message: 'Rate Limit Exceeded', code: 2020 } }, { 'ratelimit-reset': '12' }))).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 12_000 });
      expect(pagerdutyError(res(429, null)).retryAfterMs).toBe(60_000);
      expect(pagerdutyError(res(503, 'upstream'))).toMatchObject({ kind: 'transient', status: 503, message: 'PagerDuty 503' });
      const e = pagerdutyError(res(400, body));
      expect(e).toBeInstanceOf(ProviderError);
      expect(e).toMatchObject({ kind: 'permanent', status: 400, message: 'PagerDuty 400: Invalid Input Provided (code 2001) — Filter id is required' });
      expect(pagerdutyError(res(403, { error: { message: 'Access Denied', code: 2010 } }))).toMatchObject({ kind: 'permanent', status: 403 });
    });
  });

  describe('register / unregister / check', () => {
    it('works the same with a REST API key (Token token=…, no From header needed); a read-only key is refused with PagerDuty\'s 403', async () => {
      pd.validKeys.add('pd-key');
      pd.readOnlyKeys.add('ro-key');
      const withKey = (key: string) => createProviderHttp({ integration: pagerdutyIntegration, apiBaseUrl: pd.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Token token=${key}` }) } });
      const s = source('PAGERDUTY_TRIGGER_INCIDENT_RESOLVED');
      const keyCtx = (key: string, state: Record<string, unknown> = {}) => ({ ...ctx({}, state), http: withKey(key) });
      const r = await s.register({ ...keyCtx('pd-key'), hookUrl: 'https://ot.example/hooks/s/sub-2', secret: 'f'.repeat(64) });
      expect(pd.requests.at(-1)).toMatchObject({ method: 'POST', path: '/webhook_subscriptions', auth: 'Token token=pd-key', accept: PAGERDUTY_ACCEPT });
      expect(await s.check!(keyCtx('pd-key', r.state))).toBe('active');
      await s.unregister(keyCtx('pd-key', r.state));
      expect(pd.subscriptions.size).toBe(0);
      // The fake takes a key only as `Token token=`: the same key as a Bearer token is refused.
      const bearerKey = createProviderHttp({ integration: pagerdutyIntegration, apiBaseUrl: pd.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer pd-key' }) } });
      await expect(s.register({ ...ctx(), http: bearerKey, hookUrl: 'https://ot.example/hooks/s/sub-3', secret: 'f'.repeat(64) })).rejects.toMatchObject({ kind: 'auth', status: 401 });
      await expect(s.register({ ...keyCtx('ro-key'), hookUrl: 'https://ot.example/hooks/s/sub-4', secret: 'f'.repeat(64) }))
        .rejects.toMatchObject({ kind: 'permanent', status: 403, message: 'PagerDuty 403: Access Denied (code 2010) — Read-only API key' });
    });

    it('creates a subscription for the trigger\'s event, our URL and the service filter, keeps PagerDuty\'s secret, and deletes it', async () => {
      const r = await reg('PAGERDUTY_TRIGGER_INCIDENT_ACKNOWLEDGED', { serviceId: 'PF9KMXH' });
      const sub = [...pd.subscriptions.values()][0]!;
      expect(pd.requests.at(-1)).toMatchObject({
        method: 'POST', path: '/webhook_subscriptions', auth: 'Bearer valid-token', accept: PAGERDUTY_ACCEPT,
        body: { webhook_subscription: { type: 'webhook_subscription', delivery_method: { type: 'http_delivery_method', url: 'https://ot.example/hooks/s/sub-1' }, events: ['incident.acknowledged'], filter: { type: 'service_reference', id: 'PF9KMXH' } } },
      });
      // PagerDuty generates the secret; ours (ctx.secret) is not sent anywhere.
      expect(r).toEqual({ state: { webhookSubscriptionId: sub.id }, secret: sub.delivery_method.secret });
      expect(JSON.stringify(pd.requests)).not.toContain('f'.repeat(64));

      const s = source('PAGERDUTY_TRIGGER_INCIDENT_ACKNOWLEDGED');
      expect(await s.check!(ctx({}, r.state))).toBe('active');
      await s.unregister(ctx({}, r.state));
      expect(pd.subscriptions.size).toBe(0);
      expect(pd.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhook_subscriptions/${sub.id}` });
      // Already gone: unregister is quiet, check says gone.
      await s.unregister(ctx({}, r.state));
      expect(await s.check!(ctx({}, r.state))).toBe('gone');
      expect(await s.check!(ctx({}, {}))).toBe('gone');
    });

    it('subscribes account-wide without serviceId, and reports a disabled subscription as inactive', async () => {
      const r = await reg('PAGERDUTY_TRIGGER_INCIDENT_ANNOTATED');
      const sub = pd.subscriptions.get(r.state.webhookSubscriptionId as string)!;
      expect([sub.events, sub.filter]).toEqual([['incident.annotated'], { type: 'account_reference' }]);
      sub.active = false;
      expect(await source('PAGERDUTY_TRIGGER_INCIDENT_ANNOTATED').check!(ctx({}, r.state))).toBe('inactive');
    });

    it('throws classified ProviderErrors with PagerDuty\'s message and never the token', async () => {
      const reject = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as ProviderError);
      const notFound = await reject(reg('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', { serviceId: 'PNOSUCH' }));
      expect(notFound).toMatchObject({ kind: 'permanent', status: 404, message: 'PagerDuty 404: Not Found (code 2100)' });
      pd.failNext(1, 429, { error: { message: 'Rate Limit Exceeded', code: 2020 } }, { 'ratelimit-reset': '7' });
      expect(await reject(reg('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED'))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
      pd.failNext(1, 502);
      expect(await reject(reg('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED'))).toMatchObject({ kind: 'transient', status: 502 });
      pd.failNext(1, 403, { error: { message: 'Access Denied', code: 2010, errors: ['missing scope webhook_subscriptions.write'] } });
      expect(await reject(reg('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED'))).toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('Access Denied') });
      pd.validTokens.delete('valid-token');
      const auth = await reject(reg('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED'));
      expect(auth).toMatchObject({ kind: 'auth', status: 401 });
      expect(auth.message).not.toContain('valid-token');
      await expect(reg('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', { serviceId: 'bad id' })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('serviceId') });
      expect(pd.subscriptions.size).toBe(0);
    });
  });
});
