// SendGrid triggers at the source level: the signature scheme against SendGrid's own published test vector,
// declarations, parameter validation, the mapping of posted event batches to items, registration (and its
// clean-up when signing cannot be turned on) against the fake SendGrid over real HTTP, and SendGrid's error answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateParameters } from '../../src/engine/parameters.js';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { sendgridError } from '../../src/integrations/sendgrid/api.js';
import events from '../../src/integrations/sendgrid/fixtures/events.json' with { type: 'json' };
import { sendgridIntegration } from '../../src/integrations/sendgrid/integration.js';
import { SENDGRID_SIGNATURE, eventsToItems } from '../../src/integrations/sendgrid/webhooks.js';
import { ProviderError, schemeProblems, verifyRequest, type HttpClient, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeSendGrid, type FakeSendGrid } from '../providers/sendgrid.js';

const silent = { debug() {}, info() {}, warn() {} };
const TYPES = [
  ['SENDGRID_TRIGGER_EMAIL_DELIVERED', 'delivered', 'delivered'],
  ['SENDGRID_TRIGGER_EMAIL_OPENED', 'open', 'open'],
  ['SENDGRID_TRIGGER_LINK_CLICKED', 'click', 'click'],
  ['SENDGRID_TRIGGER_EMAIL_BOUNCED', 'bounce', 'bounce'],
  ['SENDGRID_TRIGGER_SPAM_REPORT', 'spam_report', 'spamreport'],
] as const;
const source = (type: string) => sendgridIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;

describe('sendgrid', () => {
  let sg: FakeSendGrid;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = {}, state: Record<string, unknown> = {}) => ({
    http, params, state, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    sg = await startFakeSendGrid();
    sg.validKeys.add('SG.key');
    http = createProviderHttp({ integration: sendgridIntegration, apiBaseUrl: sg.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer SG.key' }) } });
  });
  afterEach(async () => {
    await sg.close();
  });

  it('declares five webhook triggers, Bearer API key auth and the global API host', () => {
    expect(sendgridIntegration.key).toBe('sendgrid');
    expect(sendgridIntegration.triggers.map((t) => t.type)).toEqual(TYPES.map((t) => t[0]));
    expect(sendgridIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' });
    expect(sendgridIntegration.apiBaseUrl).toBe('https://api.sendgrid.com');
    for (const t of sendgridIntegration.triggers) {
      expect(t.source.kind).toBe('webhook');
      expect((t.source as WebhookSource).redeliveryDays).toBeUndefined();
      expect(t.parameters.map((p) => [p.id, p.required])).toEqual([['category', false]]);
    }
    expect(schemeProblems(SENDGRID_SIGNATURE)).toEqual([]);
  });

  it('verifies SendGrid\'s published test vector (sendgrid-nodejs @sendgrid/eventwebhook) with the public key as the stored secret', () => {
    const publicKey = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
    const signature = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
    const body = JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' });
    const req = (raw: string, ts = '1588788367', sig = signature) => ({
      method: 'POST', url: '/hooks/s/x', rawBody: Buffer.from(raw),
      headers: { 'x-twilio-email-event-webhook-signature': sig, 'x-twilio-email-event-webhook-timestamp': ts },
    });
    // The vector is from 2020: no freshness window is declared, so it still verifies years later.
    expect(verifyRequest(SENDGRID_SIGNATURE, req(body), { secret: publicKey }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(SENDGRID_SIGNATURE, req(`${body} `), { secret: publicKey }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(SENDGRID_SIGNATURE, req(body, '1588788368'), { secret: publicKey }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(SENDGRID_SIGNATURE, { ...req(body), headers: {} }, { secret: publicKey }, Date.now())).toMatchObject({ ok: false });
  });

  it('validates the category parameter, naming the field', () => {
    const params = sendgridIntegration.triggers[0]!.parameters;
    expect(validateParameters(params, { category: 'newsletter' })).toEqual({ category: 'newsletter' });
    expect(validateParameters(params, {})).toEqual({});
    expect(() => validateParameters(params, { category: 'x'.repeat(256) })).toThrow(/parameters\.category: must be a SendGrid category/);
    expect(() => validateParameters(params, { list: 'a' })).toThrow(/parameters\.list: unknown parameter/);
  });

  it('maps a batch to one item per event of the trigger\'s type, keyed by sg_event_id, at the event time', () => {
    for (const [type, , event] of TYPES) {
      const items = source(type).toItems({ method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(''), body: events }, { ...ctx(), state: {} }) as Array<{ key: string; payload: { event: string }; occurredAt?: number }>;
      expect(items.map((i) => i.payload.event)).toEqual([event]);
      expect(items[0]!.key).toBe(events.find((e) => e.event === event)!.sg_event_id);
      expect(items[0]!.occurredAt).toBe(1513299569 * 1000);
    }
    const spec = { flag: 'open' as const, events: ['open'] };
    const warned: string[] = [];
    const log = { warn: (m: string) => warned.push(m) };
    expect(eventsToItems(spec, { event: 'open' }, {}, log)).toEqual([]);
    expect(eventsToItems(spec, [null, 'x', { event: 'open' }], {}, log)).toEqual([]);
    expect(warned).toEqual(['SendGrid event without sg_event_id; ignored']);
    const open = events.find((e) => e.event === 'open')!;
    expect(eventsToItems(spec, [open], { category: 'other' }, log)).toEqual([]);
    expect(eventsToItems(spec, [{ ...open, category: ['a', 'cat facts'] }], { category: 'cat facts' }, log)).toHaveLength(1);
  });

  it('registers one signed webhook with only its flag on and returns the public key as the secret; unregister tolerates 404', async () => {
    const reg = await source('SENDGRID_TRIGGER_SPAM_REPORT').register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });
    const hook = [...sg.webhooks.values()][0]!;
    expect(reg).toEqual({ state: { webhookId: hook.id }, secret: hook.keys!.publicKeyText });
    expect(Object.entries(hook.flags).filter(([, on]) => on).map(([f]) => f)).toEqual(['spam_report']);
    expect(await source('SENDGRID_TRIGGER_SPAM_REPORT').check!({ ...ctx({}, reg.state) })).toBe('active');
    await source('SENDGRID_TRIGGER_SPAM_REPORT').unregister({ ...ctx({}, reg.state) });
    expect(sg.webhooks.size).toBe(0);
    await expect(source('SENDGRID_TRIGGER_SPAM_REPORT').unregister({ ...ctx({}, reg.state) })).resolves.toBeUndefined();
    expect(await source('SENDGRID_TRIGGER_SPAM_REPORT').check!({ ...ctx({}, reg.state) })).toBe('gone');
  });

  it('deletes the webhook it created when SendGrid answers the signing call without a key', async () => {
    sg.failNext(1, 200, { id: 'x', public_key: '' }, {}, 'PATCH');
    await expect(source('SENDGRID_TRIGGER_EMAIL_OPENED').register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-2', secret: 's' }))
      .rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('without its public_key') });
    expect(sg.webhooks.size).toBe(0);
    expect(sg.deletedWebhooks).toHaveLength(1);
  });

  it('maps SendGrid errors: 401 auth, 429 until X-RateLimit-Reset, 5xx transient, 400 permanent with field and message', () => {
    const now = 1_700_000_000_000;
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
    expect(sendgridError(res(401, { errors: [{ field: null, message: 'authorization required' }] }), now)).toMatchObject({ kind: 'auth', message: 'SendGrid 401: authorization required' });
    const limited = sendgridError(res(429, { errors: [{ message: 'too many requests' }] }, { 'x-ratelimit-reset': String(now / 1000 + 20) }), now);
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 20_000]);
    expect(sendgridError(res(429, {}), now).retryAfterMs).toBe(60_000);
    expect(sendgridError(res(503, 'down'), now)).toMatchObject({ kind: 'transient', message: 'SendGrid 503' });
    const invalid = sendgridError(res(400, { errors: [{ field: 'url', message: 'url is required' }] }), now);
    expect(invalid).toBeInstanceOf(ProviderError);
    expect([invalid.kind, invalid.message]).toEqual(['permanent', 'SendGrid 400: url: url is required']);
  });
});
