// Heroku, unit level: the signature scheme against an independent base64 HMAC-SHA256 of the raw body, the triggers'
// mapping of Heroku's documented event bodies (keys are the event id, so a retry maps to the same key; other
// resources, actions, statuses and states give nothing), the app parameter, the registration body and paths, and the
// error mapping (401 auth, 429 rate_limited, 5xx transient, else permanent with Heroku's id and message).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { herokuError } from '../../src/integrations/heroku/api.js';
import { addonCreated, buildCreated, buildFailed, buildSucceeded, dynoCrashed, dynoDown, releaseCreated } from '../../src/integrations/heroku/fixtures/events.js';
import { herokuIntegration, herokuSignatureScheme } from '../../src/integrations/heroku/integration.js';
import { appOf, herokuDeliveryId } from '../../src/integrations/heroku/webhooks.js';
import { ProviderError, schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const trigger = (type: string) => herokuIntegration.triggers.find((t) => t.type === type)!;
const source = (type: string) => trigger(type).source as WebhookSource<Record<string, unknown>>;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown) => source(type).toItems(inbound(body), { params: { app: 'sample-app-0084' }, state: {} } as never) as Item[];
const keys = (type: string, ...bodies: unknown[]) => bodies.flatMap((b) => items(type, b).map((i) => i.key));

describe('Heroku signature scheme', () => {
  const secret = 'b1f6c0e2a4d84f0f9a7e3c5d2b1a0f9e';
  it('verifies base64(HMAC-SHA256(secret, raw body)) and refuses tampering, another secret, hex and a missing header', () => {
    expect(schemeProblems(herokuSignatureScheme)).toEqual([]);
    const raw = JSON.stringify(releaseCreated);
    const sig = createHmac('sha256', secret).update(raw).digest('base64');
    const req = (h: string | undefined, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: h === undefined ? {} : { 'heroku-webhook-hmac-sha256': h }, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(herokuSignatureScheme, req(sig), { secret }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(herokuSignatureScheme, req(sig, `${raw} `), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(herokuSignatureScheme, req(sig), { secret: 'other-secret' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(herokuSignatureScheme, req(createHmac('sha256', secret).update(raw).digest('hex')), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(herokuSignatureScheme, req(undefined), { secret }, Date.now()).ok).toBe(false);
  });
});

describe('Heroku triggers', () => {
  it('are the five webhook triggers, each taking one required app', () => {
    expect(herokuIntegration.triggers.map((t) => t.type)).toEqual([
      'HEROKU_TRIGGER_RELEASE_CREATED', 'HEROKU_TRIGGER_BUILD_SUCCEEDED', 'HEROKU_TRIGGER_BUILD_FAILED', 'HEROKU_TRIGGER_DYNO_CRASHED', 'HEROKU_TRIGGER_ADDON_CREATED',
    ]);
    for (const t of herokuIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.required])).toEqual([['app', true]]);
      expect(t.source.kind).toBe('webhook');
      expect((t.source as WebhookSource).redeliveryDays).toBeUndefined();
    }
    const app = trigger('HEROKU_TRIGGER_RELEASE_CREATED').parameters[0]!;
    expect(app.validate!('sample-app-0084')).toBeNull();
    expect(app.validate!('d2f24bd2-399a-4868-9467-bc0ba2411cc2')).toBeNull();
    expect(app.validate!('Sample App')).toMatch(/app name/);
    expect(app.validate!('../account')).toMatch(/app name/);
    expect(appOf({ app: 'sample-app-0084' })).toBe('sample-app-0084');
    expect(() => appOf({ app: 'a/b' })).toThrow(/^app:/);
    expect(() => appOf({})).toThrow(ProviderError);
  });

  it('map each body to one item keyed by the event id, with created_at as the time', () => {
    expect(items('HEROKU_TRIGGER_RELEASE_CREATED', releaseCreated)).toEqual([{ key: releaseCreated.id, payload: releaseCreated, occurredAt: Date.parse('2016-10-26T22:50:14Z') }]);
    expect(keys('HEROKU_TRIGGER_BUILD_SUCCEEDED', buildSucceeded)).toEqual([buildSucceeded.id]);
    expect(keys('HEROKU_TRIGGER_BUILD_FAILED', buildFailed)).toEqual([buildFailed.id]);
    expect(keys('HEROKU_TRIGGER_DYNO_CRASHED', dynoCrashed)).toEqual([dynoCrashed.id]);
    expect(keys('HEROKU_TRIGGER_ADDON_CREATED', addonCreated)).toEqual([addonCreated.id]);
    // A retry is the same event: the same key, whatever the delivery and attempt ids.
    const retried = { ...buildSucceeded, webhook_metadata: { ...buildSucceeded.webhook_metadata, attempt: { id: 'another' }, delivery: { id: 'another' } } };
    expect(keys('HEROKU_TRIGGER_BUILD_SUCCEEDED', retried)).toEqual([buildSucceeded.id]);
  });

  it('ignore other resources, actions, statuses and dyno states, and bodies without an id or data', () => {
    expect(keys('HEROKU_TRIGGER_BUILD_SUCCEEDED', buildCreated, buildFailed, releaseCreated)).toEqual([]);
    expect(keys('HEROKU_TRIGGER_BUILD_FAILED', buildCreated, buildSucceeded)).toEqual([]);
    // An update of a build that was already succeeded (previous_data without a status change) is not a new success.
    expect(keys('HEROKU_TRIGGER_BUILD_SUCCEEDED', { ...buildSucceeded, previous_data: { status: 'succeeded' } })).toEqual([]);
    expect(keys('HEROKU_TRIGGER_DYNO_CRASHED', dynoDown, { ...dynoCrashed, resource: 'formation' })).toEqual([]);
    expect(keys('HEROKU_TRIGGER_RELEASE_CREATED', { ...releaseCreated, action: 'update' }, buildSucceeded)).toEqual([]);
    expect(keys('HEROKU_TRIGGER_ADDON_CREATED', { ...addonCreated, action: 'destroy' }, { ...addonCreated, resource: 'addon-attachment' })).toEqual([]);
    expect(keys('HEROKU_TRIGGER_ADDON_CREATED', { ...addonCreated, id: '' }, { ...addonCreated, data: null }, [], null)).toEqual([]);
  });

  it('take the delivery id from Heroku-Webhook-Id, else webhook_metadata.delivery.id', () => {
    expect(herokuDeliveryId(inbound(releaseCreated, { 'heroku-webhook-id': 'hdr-1' }))).toBe('hdr-1');
    expect(herokuDeliveryId(inbound(releaseCreated))).toBe(releaseCreated.webhook_metadata.delivery.id);
  });

  it('register one sync webhook for the entity with our URL and secret, and keep its id and the app', async () => {
    const calls: any[] = [];
    const http = { request: async (r: any) => (calls.push(r), { status: 201, headers: {}, body: { id: 'hook-1' } }) };
    const reg = await source('HEROKU_TRIGGER_DYNO_CRASHED').register({ params: { app: 'sample-app-0084' }, hookUrl: 'https://ot.example/hooks/s/1', secret: 's3cret', http } as never);
    expect(reg).toEqual({ state: { webhookId: 'hook-1', app: 'sample-app-0084' } });
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/apps/sample-app-0084/webhooks', json: { include: ['dyno'], level: 'sync', url: 'https://ot.example/hooks/s/1', secret: 's3cret' } });
    const includes: unknown[] = [];
    for (const t of ['HEROKU_TRIGGER_RELEASE_CREATED', 'HEROKU_TRIGGER_BUILD_SUCCEEDED', 'HEROKU_TRIGGER_BUILD_FAILED', 'HEROKU_TRIGGER_ADDON_CREATED']) {
      calls.length = 0;
      await source(t).register({ params: { app: 'x1' }, hookUrl: 'https://h', secret: 's', http } as never);
      includes.push(calls[0].json.include);
    }
    expect(includes).toEqual([['api:release'], ['api:build'], ['api:build'], ['api:addon']]);
  });
});

describe('herokuError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  const now = 1_700_000_000_000;
  it('classifies statuses and keeps Heroku\'s id and message', () => {
    expect(herokuError(res(401, { id: 'unauthorized', message: 'Invalid credentials provided.' }), now)).toMatchObject({ kind: 'auth', message: 'Heroku 401 unauthorized: Invalid credentials provided.' });
    expect(herokuError(res(403, { id: 'forbidden', message: 'You do not have access to the app sample-app-0084.' }), now)).toMatchObject({ kind: 'permanent', status: 403 });
    expect(herokuError(res(404, { id: 'not_found', message: "Couldn't find that app." }), now)).toMatchObject({ kind: 'permanent', message: "Heroku 404 not_found: Couldn't find that app." });
    expect(herokuError(res(429, { id: 'rate_limit', message: 'Your account reached the API rate limit' }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(herokuError(res(429, { id: 'rate_limit', message: 'x' }, { 'retry-after': '7' }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(herokuError(res(503, null), now)).toMatchObject({ kind: 'transient', status: 503, message: 'Heroku 503' });
  });
});
