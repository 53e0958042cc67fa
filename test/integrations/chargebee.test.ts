// Chargebee, unit level: the Basic-auth check against a header built independently (base64 of `opentriggers:<secret>`),
// the triggers' mapping of Chargebee's sample events (keyed by the event id, the same on a retry or resend), what
// register/check/unregister send and how they read Chargebee's answers, the site account parameter (live and -test
// sites) and the mapping of Chargebee's error body and rate limit.
import { describe, expect, it } from 'vitest';
import { accountValuesFromInput, fillAccountTemplate, templatesInEffect } from '../../src/engine/account-parameters.js';
import { chargebeeError } from '../../src/integrations/chargebee/api.js';
import { customerCreated, invoiceGenerated, paymentFailed, paymentSucceeded, subscriptionCancelled, subscriptionCreated } from '../../src/integrations/chargebee/fixtures/events.js';
import { CHARGEBEE_BASIC_AUTH, chargebeeIntegration } from '../../src/integrations/chargebee/integration.js';
import { basicCredential, itemsOf } from '../../src/integrations/chargebee/webhooks.js';
import { schemeProblems, verifyRequest, type HttpRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const T0 = Date.parse('2026-11-27T15:00:00Z');
const source = (type: string) => chargebeeIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown) => source(type).toItems(inbound(body), {} as never) as Item[];
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A context whose http answers from `answers` in order and records what was asked. */
function ctx(answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>, state: Record<string, unknown> = {}) {
  const sent: HttpRequest[] = [];
  const logged: string[] = [];
  return {
    sent,
    logged,
    ctx: {
      hookUrl: 'https://triggers.example.com/hooks/s/0b9f7c2e-4a51-4d1e-9d3a-5c2f8e7a6b10',
      secret: 's3cr3t-f00d-c0ffee-0123456789abcdef',
      params: {},
      state,
      now: () => T0,
      log: { debug: () => {}, info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m) },
      http: {
        request: async (req: HttpRequest) => {
          sent.push(req);
          const a = answers.shift() ?? { status: 200, body: {} };
          if (a.status >= 400 && !req.allowStatus?.includes(a.status)) throw new Error(`unexpected ${a.status}`);
          return { status: a.status, headers: a.headers ?? {}, body: a.body ?? null };
        },
      },
    } as never,
  };
}

describe('Chargebee webhook Basic credentials', () => {
  it('accept only Basic base64(opentriggers:<secret>) and refuse other passwords, users, schemes and a missing header', () => {
    expect(schemeProblems(CHARGEBEE_BASIC_AUTH)).toEqual([]);
    const password = 'f3a9c1d2e4b5a6978877665544332211';
    const secret = basicCredential(password);
    expect(secret).toBe(Buffer.from(`opentriggers:${password}`).toString('base64'));
    const check = (headers: Record<string, string>) => verifyRequest(CHARGEBEE_BASIC_AUTH, inbound(subscriptionCreated, headers), { secret }, T0).ok;
    expect(check({ authorization: basic('opentriggers', password) })).toBe(true);
    expect(check({ authorization: basic('opentriggers', `${password}x`) })).toBe(false);
    expect(check({ authorization: basic('admin', password) })).toBe(false);
    expect(check({ authorization: `Bearer ${password}` })).toBe(false);
    expect(check({ authorization: `Bearer ${secret}` })).toBe(false);
    expect(check({})).toBe(false);
  });
});

describe('Chargebee triggers', () => {
  it('are the six event triggers, each a webhook', () => {
    expect(chargebeeIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([
      ['CHARGEBEE_TRIGGER_SUBSCRIPTION_CREATED', 'webhook'], ['CHARGEBEE_TRIGGER_SUBSCRIPTION_CANCELLED', 'webhook'],
      ['CHARGEBEE_TRIGGER_PAYMENT_SUCCEEDED', 'webhook'], ['CHARGEBEE_TRIGGER_PAYMENT_FAILED', 'webhook'],
      ['CHARGEBEE_TRIGGER_INVOICE_GENERATED', 'webhook'], ['CHARGEBEE_TRIGGER_CUSTOMER_CREATED', 'webhook'],
    ]);
    expect(chargebeeIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', basicPassword: '' });
    for (const t of chargebeeIntegration.triggers) expect(t.source).not.toHaveProperty('redeliveryDays');
  });

  it('map each event to one item keyed by the event id, with occurred_at as the time, the same on a retry', () => {
    expect(items('CHARGEBEE_TRIGGER_SUBSCRIPTION_CREATED', subscriptionCreated)).toEqual([{ key: 'ev___test__KyVnHhSBWlC3T2cz', payload: subscriptionCreated, occurredAt: 1612890920_000 }]);
    expect(items('CHARGEBEE_TRIGGER_SUBSCRIPTION_CREATED', { ...subscriptionCreated, webhook_status: 'failed' })[0]!.key).toBe('ev___test__KyVnHhSBWlC3T2cz');
    const pairs: Array<[string, { id: string }]> = [
      ['CHARGEBEE_TRIGGER_SUBSCRIPTION_CANCELLED', subscriptionCancelled], ['CHARGEBEE_TRIGGER_PAYMENT_SUCCEEDED', paymentSucceeded],
      ['CHARGEBEE_TRIGGER_PAYMENT_FAILED', paymentFailed], ['CHARGEBEE_TRIGGER_INVOICE_GENERATED', invoiceGenerated], ['CHARGEBEE_TRIGGER_CUSTOMER_CREATED', customerCreated],
    ];
    for (const [type, event] of pairs) expect(items(type, event).map((i) => i.key)).toEqual([event.id]);
  });

  it('ignore other event types, events without a usable id and non-objects', () => {
    expect(items('CHARGEBEE_TRIGGER_SUBSCRIPTION_CREATED', customerCreated)).toEqual([]);
    expect(itemsOf('payment_failed', paymentSucceeded)).toEqual([]);
    expect(itemsOf('customer_created', { ...customerCreated, id: '' })).toEqual([]);
    expect(itemsOf('customer_created', { ...customerCreated, id: 'a/../b' })).toEqual([]);
    expect(itemsOf('customer_created', [customerCreated])).toEqual([]);
    expect(itemsOf('customer_created', null)).toEqual([]);
    expect(itemsOf('customer_created', { ...customerCreated, occurred_at: 'soon' })).toEqual([{ key: customerCreated.id, payload: { ...customerCreated, occurred_at: 'soon' } }]);
  });
});

describe('Chargebee webhook endpoint lifecycle', () => {
  it('register posts the form Chargebee documents and returns the endpoint id and the Basic credential as secret', async () => {
    const c = ctx([{ status: 200, body: { webhook_endpoint: { id: 'whep_16BS5YTZ9u2Lk1Ai', disabled: false } } }]);
    const reg = await source('CHARGEBEE_TRIGGER_PAYMENT_FAILED').register(c.ctx);
    expect(reg).toEqual({ state: { endpointId: 'whep_16BS5YTZ9u2Lk1Ai' }, secret: basicCredential('s3cr3t-f00d-c0ffee-0123456789abcdef') });
    expect(c.sent[0]).toMatchObject({
      method: 'POST',
      path: '/webhook_endpoints',
      form: {
        name: 'OpenTriggers payment_failed 5c2f8e7a6b10', url: 'https://triggers.example.com/hooks/s/0b9f7c2e-4a51-4d1e-9d3a-5c2f8e7a6b10', api_version: 'v2',
        basic_auth_username: 'opentriggers', basic_auth_password: 's3cr3t-f00d-c0ffee-0123456789abcdef', 'enabled_events[0]': 'payment_failed',
      },
    });
    expect(String((c.sent[0]!.form as Record<string, string>).name).length).toBeLessThanOrEqual(50);
  });

  it('register refuses an answer without an endpoint id, and maps a refusal with Chargebee\'s message', async () => {
    await expect(source('CHARGEBEE_TRIGGER_CUSTOMER_CREATED').register(ctx([{ status: 200, body: { webhook_endpoint: {} } }]).ctx)).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('without its id') });
    await expect(source('CHARGEBEE_TRIGGER_CUSTOMER_CREATED').register(ctx([{ status: 400, body: { message: 'name : already exists', type: 'invalid_request', api_error_code: 'duplicate_entry', param: 'name' } }]).ctx))
      .rejects.toMatchObject({ kind: 'permanent', message: 'Chargebee 400: name : already exists (duplicate_entry)' });
  });

  it('check reads the endpoint: present → active, disabled → inactive, 404 → gone, unknown state → gone', async () => {
    const s = source('CHARGEBEE_TRIGGER_CUSTOMER_CREATED');
    const active = ctx([{ status: 200, body: { webhook_endpoint: { id: 'whep_1', disabled: false } } }], { endpointId: 'whep_1' });
    expect(await s.check!(active.ctx)).toBe('active');
    expect(active.sent[0]).toMatchObject({ path: '/webhook_endpoints/whep_1' });
    expect(await s.check!(ctx([{ status: 200, body: { webhook_endpoint: { id: 'whep_1', disabled: true } } }], { endpointId: 'whep_1' }).ctx)).toBe('inactive');
    expect(await s.check!(ctx([{ status: 404, body: { message: 'not found', api_error_code: 'resource_not_found' } }], { endpointId: 'whep_1' }).ctx)).toBe('gone');
    expect(await s.check!(ctx([], { endpointId: '../x' }).ctx)).toBe('gone');
    await expect(s.check!(ctx([{ status: 200, body: {} }], { endpointId: 'whep_1' }).ctx)).rejects.toMatchObject({ kind: 'transient' });
    await expect(s.check!(ctx([{ status: 503, body: null }], { endpointId: 'whep_1' }).ctx)).rejects.toMatchObject({ kind: 'transient' });
  });

  it('unregister posts …/delete, tolerates an endpoint already gone, and does nothing without state', async () => {
    const s = source('CHARGEBEE_TRIGGER_CUSTOMER_CREATED');
    const ok = ctx([{ status: 200, body: { webhook_endpoint: { id: 'whep_1' } } }], { endpointId: 'whep_1' });
    await s.unregister(ok.ctx);
    expect(ok.sent[0]).toMatchObject({ method: 'POST', path: '/webhook_endpoints/whep_1/delete' });
    const gone = ctx([{ status: 404, body: { message: 'not found' } }], { endpointId: 'whep_1' });
    await s.unregister(gone.ctx);
    expect(gone.logged).toEqual(['Chargebee webhook endpoint was already deleted']);
    const none = ctx([], {});
    await s.unregister(none.ctx);
    expect(none.sent).toEqual([]);
  });
});

describe('Chargebee site parameter', () => {
  const templates = templatesInEffect(chargebeeIntegration, null);
  const site = (value: unknown) => accountValuesFromInput(chargebeeIntegration, { site: value }, { field: 'parameters', strict: true, templates });
  it('takes a live or -test site name, or its chargebee.com host, and fills the API base URL', () => {
    expect(site('acme')).toEqual({ site: 'acme' });
    expect(site('Acme-Test')).toEqual({ site: 'acme-test' });
    expect(site('acme-test.chargebee.com')).toEqual({ site: 'acme-test' });
    expect(fillAccountTemplate(chargebeeIntegration, chargebeeIntegration.apiBaseUrl, { site: 'acme-test' })).toBe('https://acme-test.chargebee.com/api/v2');
  });
  it('refuses anything that names another host', () => {
    for (const bad of ['evil.com', 'acme.chargebee.com.evil.com', 'a/b', '']) expect(() => site(bad), bad).toThrow(/parameters\.site/);
  });
});

describe('Chargebee errors', () => {
  it('map to provider error kinds with Chargebee\'s message and code', () => {
    const e404 = chargebeeError({ status: 404, headers: {}, body: { message: 'Plan is not present', type: 'invalid_request', api_error_code: 'resource_not_found', param: 'item_id' } }, T0);
    expect([e404.kind, e404.message]).toEqual(['permanent', 'Chargebee 404: Plan is not present (resource_not_found)']);
    expect(chargebeeError({ status: 401, headers: {}, body: { message: 'Sorry, authentication failed. Invalid api key', api_error_code: 'api_authentication_failed' } }, T0).kind).toBe('auth');
    const e429 = chargebeeError({ status: 429, headers: { 'retry-after': '20' }, body: { message: 'Sorry, access has been blocked temporarily', api_error_code: 'api_request_limit_exceeded' } }, T0);
    expect([e429.kind, e429.retryAfterMs]).toEqual(['rate_limited', 20_000]);
    expect(chargebeeError({ status: 429, headers: {}, body: null }, T0).retryAfterMs).toBe(60_000);
    expect(chargebeeError({ status: 500, headers: {}, body: '<html>' }, T0)).toMatchObject({ kind: 'transient', message: 'Chargebee 500' });
  });
});
