// Brevo triggers at the source level: registration, removal and the hourly read against the fake Brevo over real
// HTTP (Webhooks API, the `api-key` header); the shared-secret header check; the mapping of calls to items (the
// trigger's event only, the list and tag filters) and their keys (a repeat maps to the same key); and the mapping of
// Brevo's error bodies and its rate-limit answer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { brevoError, errorText, rateLimitWaitMs } from '../../src/integrations/brevo/api.js';
import contactAdded from '../../src/integrations/brevo/fixtures/contact-added-to-list.json' with { type: 'json' };
import contactUnsubscribed from '../../src/integrations/brevo/fixtures/contact-unsubscribed.json' with { type: 'json' };
import emailDelivered from '../../src/integrations/brevo/fixtures/email-delivered.json' with { type: 'json' };
import emailHardBounced from '../../src/integrations/brevo/fixtures/email-hard-bounced.json' with { type: 'json' };
import emailOpened from '../../src/integrations/brevo/fixtures/email-opened.json' with { type: 'json' };
import { brevoIntegration } from '../../src/integrations/brevo/integration.js';
import { BREVO_VERIFICATION, SECRET_HEADER, eventKey } from '../../src/integrations/brevo/webhooks.js';
import { verifyRequest, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeBrevo, type FakeBrevo } from '../providers/brevo.js';

const silent = { debug() {}, info() {}, warn() {} };
const KEY = 'xkeysib-0123456789abcdef-fake';

function source(type: string): WebhookSource {
  const t = brevoIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source;
}

describe('brevo', () => {
  let fake: FakeBrevo;
  let http: HttpClient;
  const credential = () => ({ id: 'cred-1', providerAccountId: 'brevo-account', extra: {} });
  const ctx = (params: Record<string, unknown> = {}, state: Record<string, unknown> = {}) => ({ http, params, state, credential: credential(), log: silent, signal: AbortSignal.timeout(10_000), now: Date.now });
  const hookUrl = 'https://ot.example/hooks/s/sub-1';
  const inbound = (payload: unknown): InboundRequest => ({ method: 'POST', url: '/hooks/s/sub-1', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(payload)), body: payload });
  const items = async (type: string, payload: unknown, params: Record<string, unknown> = {}) => (await source(type).toItems(inbound(payload), ctx(params))) as Item[];

  beforeEach(async () => {
    fake = await startFakeBrevo();
    fake.validKeys.add(KEY);
    http = createProviderHttp({ integration: brevoIntegration, apiBaseUrl: fake.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ 'api-key': KEY }) } });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares five webhook triggers, the api-key header and the v3 API', () => {
    expect(brevoIntegration.triggers.map((t) => t.type)).toEqual([
      'BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', 'BREVO_TRIGGER_CONTACT_UNSUBSCRIBED', 'BREVO_TRIGGER_EMAIL_DELIVERED', 'BREVO_TRIGGER_EMAIL_HARD_BOUNCED', 'BREVO_TRIGGER_EMAIL_OPENED',
    ]);
    expect(brevoIntegration.auth).toEqual({ kind: 'apiKey', header: 'api-key' });
    expect(brevoIntegration.apiBaseUrl).toBe('https://api.brevo.com/v3');
    for (const t of brevoIntegration.triggers) expect(t.source).toMatchObject({ kind: 'webhook', verification: BREVO_VERIFICATION });
  });

  it('registers one webhook per subscription with its type, one event and the secret header; deletes it; checks it', async () => {
    const reg = await source('BREVO_TRIGGER_EMAIL_HARD_BOUNCED').register({ ...ctx(), hookUrl, secret: 's'.repeat(64) });
    const hook = [...fake.hooks.values()][0]!;
    expect(hook).toMatchObject({ type: 'transactional', events: ['hardBounce'], url: hookUrl, batched: false, headers: [{ key: SECRET_HEADER, value: 's'.repeat(64) }] });
    expect(hook.description).toBe('OpenTriggers BREVO_TRIGGER_EMAIL_HARD_BOUNCED');
    expect(reg.state).toEqual({ webhookId: String(hook.id), type: 'transactional', event: 'hardBounce' });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v3/webhooks', apiKey: KEY });

    const marketing = await source('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST').register({ ...ctx(), hookUrl, secret: 't'.repeat(64) });
    expect(fake.hooks.get(Number(marketing.state.webhookId))).toMatchObject({ type: 'marketing', events: ['listAddition'] });

    const src = source('BREVO_TRIGGER_EMAIL_HARD_BOUNCED');
    expect(await src.check!(ctx({}, reg.state))).toBe('active');
    hook.events = ['softBounce'];
    expect(await src.check!(ctx({}, reg.state))).toBe('inactive');
    await src.unregister(ctx({}, reg.state));
    expect(fake.hooks.has(hook.id)).toBe(false);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v3/webhooks/${hook.id}` });
    expect(await src.check!(ctx({}, reg.state))).toBe('gone');
    await expect(src.unregister(ctx({}, reg.state))).resolves.toBeUndefined();
    expect(await src.check!(ctx({}, {}))).toBe('gone');
  });

  it('verifies the custom header in constant time against the subscription secret; anything else is refused', () => {
    const body = JSON.stringify(emailDelivered);
    const req = (headers: Record<string, string>) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(body) });
    expect(verifyRequest(BREVO_VERIFICATION, req({ [SECRET_HEADER]: 'the-secret' }), { secret: 'the-secret' }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(BREVO_VERIFICATION, req({ [SECRET_HEADER]: 'the-secreT' }), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(BREVO_VERIFICATION, req({ authorization: 'Bearer the-secret' }), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(BREVO_VERIFICATION, req({}), { secret: 'the-secret' }, Date.now()).ok).toBe(false);
  });

  describe('keys', () => {
    it('message events: message id, event and time — the same on a repeat, distinct per event and per time', () => {
      expect(eventKey(emailDelivered)).toBe('201798300811.5787683@relay.domain.com|delivered|1604933654');
      expect(eventKey({ ...emailDelivered, date: 'other', id: 1 })).toBe(eventKey(emailDelivered));
      expect(eventKey(emailOpened)).not.toBe(eventKey(emailDelivered));
      expect(eventKey({ ...emailOpened, ts_event: 1604933700 })).not.toBe(eventKey(emailOpened));
      // Without ts_event: ts_epoch in ms (or seconds), then ts.
      const { ts_event: _drop, ...noTsEvent } = emailDelivered;
      expect(eventKey(noTsEvent)).toBe('201798300811.5787683@relay.domain.com|delivered|1604933654');
    });
    it('contact events: event, recipient, campaign, lists and time', () => {
      expect(eventKey(contactAdded)).toBe('list_addition|example@domain.com||11|1604937337');
      expect(eventKey({ ...contactAdded, email: 'Example@Domain.com' })).toBe(eventKey(contactAdded));
      expect(eventKey({ ...contactAdded, list_id: [12] })).not.toBe(eventKey(contactAdded));
      expect(eventKey(contactUnsubscribed)).toBe('unsubscribe|example@domain.com|12|11|1604933737');
    });
    it('refuses calls without an event, a time or an identity', () => {
      expect(eventKey({ ...emailDelivered, event: undefined })).toBeNull();
      expect(eventKey({ event: 'delivered', 'message-id': 'm' })).toBeNull();
      expect(eventKey({ event: 'list_addition', ts: 1604937337 })).toBeNull();
    });
  });

  describe('toItems', () => {
    it("delivers the trigger's own event with its time; other events, bodies and garbage give nothing", async () => {
      expect(await items('BREVO_TRIGGER_EMAIL_DELIVERED', emailDelivered)).toEqual([{ key: eventKey(emailDelivered), payload: emailDelivered, occurredAt: 1604933654000 }]);
      expect(await items('BREVO_TRIGGER_EMAIL_DELIVERED', emailOpened)).toEqual([]);
      expect(await items('BREVO_TRIGGER_EMAIL_HARD_BOUNCED', emailHardBounced)).toHaveLength(1);
      expect(await items('BREVO_TRIGGER_EMAIL_HARD_BOUNCED', { ...emailHardBounced, event: 'soft_bounce' })).toEqual([]);
      expect(await items('BREVO_TRIGGER_CONTACT_UNSUBSCRIBED', contactUnsubscribed)).toHaveLength(1);
      expect(await items('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', 'not json')).toEqual([]);
      // A batched call (an array) is read event by event.
      expect(await items('BREVO_TRIGGER_EMAIL_OPENED', [emailOpened, { ...emailOpened, ts_event: 1604933700 }, emailDelivered])).toHaveLength(2);
    });
    it('filters list additions by list id and transactional events by tag', async () => {
      expect(await items('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', contactAdded, { listId: '11' })).toHaveLength(1);
      expect(await items('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', contactAdded, { listId: '12' })).toEqual([]);
      expect(await items('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', { ...contactAdded, list_id: [3, 12] }, { listId: '12' })).toHaveLength(1);
      expect(await items('BREVO_TRIGGER_EMAIL_OPENED', emailOpened, { tag: 'transac_messages' })).toHaveLength(1);
      expect(await items('BREVO_TRIGGER_EMAIL_OPENED', emailOpened, { tag: 'newsletter' })).toEqual([]);
    });
    it('validates the parameters', () => {
      const param = (type: string, id: string) => brevoIntegration.triggers.find((t) => t.type === type)!.parameters.find((p) => p.id === id)!;
      expect(param('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', 'listId').validate!('11')).toBeNull();
      expect(param('BREVO_TRIGGER_CONTACT_ADDED_TO_LIST', 'listId').validate!('eleven')).toMatch(/list id/);
      expect(param('BREVO_TRIGGER_EMAIL_DELIVERED', 'tag').validate!('x'.repeat(256))).toMatch(/tag/);
    });
  });

  describe('errors', () => {
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
    it("keeps Brevo's code and message", () => {
      expect(errorText({ code: 'invalid_parameter', message: 'url is missing' })).toBe('invalid_parameter — url is missing');
      expect(errorText(null)).toBe('');
    });
    it('classifies: 401 auth, 429 rate limited for the window reset, 5xx transient, the rest permanent', () => {
      expect(brevoError('x', res(401, { code: 'unauthorized', message: 'Key not found' }), 0)).toMatchObject({ kind: 'auth', status: 401 });
      expect(brevoError('x', res(429, { code: 'too_many_requests' }, { 'x-sib-ratelimit-reset': '7' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
      expect(brevoError('x', res(502, {}), 0)).toMatchObject({ kind: 'transient' });
      const e = brevoError('creating the webhook', res(400, { code: 'invalid_parameter', message: 'You have reached the maximum number of webhooks' }), 0);
      expect(e).toMatchObject({ kind: 'permanent', status: 400 });
      expect(e.message).toBe('Brevo 400 creating the webhook: invalid_parameter — You have reached the maximum number of webhooks');
    });
    it('reads the wait from x-sib-ratelimit-reset (seconds), else Retry-After, else a minute', () => {
      expect(rateLimitWaitMs({ 'x-sib-ratelimit-reset': '2.5' }, 0)).toBe(2500);
      expect(rateLimitWaitMs({ 'x-sib-ratelimit-reset': '0' }, 0)).toBe(1000);
      expect(rateLimitWaitMs({ 'retry-after': '3' }, 0)).toBe(3000);
      expect(rateLimitWaitMs({}, 0)).toBe(60_000);
    });
    it('maps a refused registration to a permanent error with the reason, and a revoked key to auth', async () => {
      fake.failNext(1, 400, { code: 'invalid_parameter', message: 'url is not valid' });
      await expect(source('BREVO_TRIGGER_EMAIL_OPENED').register({ ...ctx(), hookUrl, secret: 's'.repeat(64) })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('url is not valid') });
      fake.validKeys.clear();
      await expect(source('BREVO_TRIGGER_EMAIL_OPENED').register({ ...ctx(), hookUrl, secret: 's'.repeat(64) })).rejects.toMatchObject({ kind: 'auth' });
      expect(fake.hooks.size).toBe(0);
    });
  });
});
