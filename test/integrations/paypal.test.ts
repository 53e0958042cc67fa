// PayPal, unit level: the triggers' events and mapping of PayPal's sample bodies (keyed by the event id, the same on a
// retry), the certificate-host rule and the PAYPAL-* header reading, the verify-webhook-signature call (our webhook id,
// the event, SUCCESS only) and the error mapping of PayPal's error bodies and rate-limit answers.
import { describe, expect, it } from 'vitest';
import { paypalError, paypalErrorMessage } from '../../src/integrations/paypal/api.js';
import * as fixtures from '../../src/integrations/paypal/fixtures/events.js';
import { paypalIntegration } from '../../src/integrations/paypal/integration.js';
import { isPaypalCertUrl, itemsOf, signatureFields } from '../../src/integrations/paypal/webhooks.js';
import { ProviderError, schemeProblems, URL_TOKEN, type HttpRequest, type HttpResponse, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => paypalIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const HEADERS = {
  'paypal-transmission-id': '69cd13f0-d67a-11e5-baa3-778b53f4ae55',
  'paypal-transmission-time': '2016-02-18T20:01:35Z',
  'paypal-transmission-sig': 'c2lnbmF0dXJl',
  'paypal-cert-url': 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77',
  'paypal-auth-algo': 'SHA256withRSA',
};
const inbound = (body: unknown, headers: Record<string, string> = HEADERS): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x?token=t', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const response = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse<any> => ({ status, body, headers }) as HttpResponse<any>;

function ctxWith(answer: HttpResponse<any>, state: Record<string, unknown> = { webhookId: '8PT597110X687430LKGECATA' }) {
  const calls: HttpRequest[] = [];
  const ctx = {
    state,
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    log: { debug() {}, info() {}, warn() {} },
    http: { request: async (r: HttpRequest) => (calls.push(r), answer) },
  };
  return { ctx: ctx as never, calls };
}

describe('PayPal triggers', () => {
  it('are six webhook triggers, each for one PayPal event, verified by the URL token', () => {
    expect(paypalIntegration.triggers.map((t) => t.type)).toEqual([
      'PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED', 'PAYPAL_TRIGGER_PAYMENT_CAPTURE_REFUNDED', 'PAYPAL_TRIGGER_CHECKOUT_ORDER_APPROVED',
      'PAYPAL_TRIGGER_SUBSCRIPTION_CREATED', 'PAYPAL_TRIGGER_SUBSCRIPTION_CANCELLED', 'PAYPAL_TRIGGER_DISPUTE_CREATED',
    ]);
    for (const t of paypalIntegration.triggers) {
      expect(t.source.kind).toBe('webhook');
      expect((t.source as WebhookSource).verification).toEqual(URL_TOKEN);
      expect(schemeProblems(URL_TOKEN)).toEqual([]);
      expect((t.source as WebhookSource).redeliveryDays).toBeUndefined();
    }
    expect(paypalIntegration.auth).toEqual({ kind: 'clientCredentials', tokenUrl: 'https://api-m.paypal.com/v1/oauth2/token', clientAuth: 'basic' });
  });

  it('map an event body to one item keyed by the event id, the same on a retry; other events and non-events give nothing', () => {
    expect(itemsOf('PAYMENT.CAPTURE.COMPLETED', fixtures.captureCompleted)).toEqual([
      { key: 'WH-58D329510W468432D-8HN650336L201105X', payload: fixtures.captureCompleted, occurredAt: Date.parse('2019-02-14T21:50:07.940Z') },
    ]);
    expect(itemsOf('PAYMENT.CAPTURE.COMPLETED', { ...fixtures.captureCompleted, summary: 'resent' })[0]!.key).toBe('WH-58D329510W468432D-8HN650336L201105X');
    expect(itemsOf('CUSTOMER.DISPUTE.CREATED', fixtures.disputeCreated).map((i) => i.key)).toEqual(['WH-4M0448861G563140B-9EX36365822141321']);
    expect(itemsOf('BILLING.SUBSCRIPTION.CANCELLED', fixtures.subscriptionCancelled).map((i) => i.key)).toEqual(['WH-4D3576808P209763F-83292759883090543']);
    expect(itemsOf('PAYMENT.CAPTURE.COMPLETED', fixtures.captureRefunded)).toEqual([]);
    expect(itemsOf('PAYMENT.CAPTURE.COMPLETED', { ...fixtures.captureCompleted, id: '' })).toEqual([]);
    expect(itemsOf('PAYMENT.CAPTURE.COMPLETED', [fixtures.captureCompleted])).toEqual([]);
    expect(itemsOf('PAYMENT.CAPTURE.COMPLETED', null)).toEqual([]);
  });

  it('examples are PayPal events of the trigger', () => {
    const expected: Record<string, string> = {
      PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED: 'PAYMENT.CAPTURE.COMPLETED', PAYPAL_TRIGGER_PAYMENT_CAPTURE_REFUNDED: 'PAYMENT.CAPTURE.REFUNDED',
      PAYPAL_TRIGGER_CHECKOUT_ORDER_APPROVED: 'CHECKOUT.ORDER.APPROVED', PAYPAL_TRIGGER_SUBSCRIPTION_CREATED: 'BILLING.SUBSCRIPTION.CREATED',
      PAYPAL_TRIGGER_SUBSCRIPTION_CANCELLED: 'BILLING.SUBSCRIPTION.CANCELLED', PAYPAL_TRIGGER_DISPUTE_CREATED: 'CUSTOMER.DISPUTE.CREATED',
    };
    for (const t of paypalIntegration.triggers) expect((t.examplePayload as { event_type: string }).event_type).toBe(expected[t.type]);
  });
});

describe('PayPal delivery headers', () => {
  it('accept certificate URLs on paypal.com hosts over https only', () => {
    expect(isPaypalCertUrl('https://api.paypal.com/v1/notifications/certs/CERT-1')).toBe(true);
    expect(isPaypalCertUrl('https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1')).toBe(true);
    for (const bad of ['http://api.paypal.com/c', 'https://paypal.com.evil.example/c', 'https://evilpaypal.com/c', 'https://api.paypal.com:8443/c', 'https://user@api.paypal.com/c', 'https://169.254.169.254/latest', 'not a url']) {
      expect(isPaypalCertUrl(bad)).toBe(false);
    }
  });
  it('read the five PAYPAL-* headers and refuse a missing one or a foreign certificate URL', () => {
    expect(signatureFields(inbound({}))).toEqual({
      transmission_id: HEADERS['paypal-transmission-id'], transmission_time: HEADERS['paypal-transmission-time'], transmission_sig: HEADERS['paypal-transmission-sig'],
      cert_url: HEADERS['paypal-cert-url'], auth_algo: 'SHA256withRSA',
    });
    const { 'paypal-auth-algo': _, ...noAlgo } = HEADERS;
    expect(() => signatureFields(inbound({}, noAlgo))).toThrow(/PAYPAL-AUTH-ALGO/);
    expect(() => signatureFields(inbound({}, { ...HEADERS, 'paypal-cert-url': 'https://evil.example/cert' }))).toThrow(/paypal.com/);
  });
});

describe('PayPal toItems', () => {
  const completed = source('PAYPAL_TRIGGER_PAYMENT_CAPTURE_COMPLETED');
  it('asks verify-webhook-signature with the webhook id from our state and the event, and returns the item on SUCCESS', async () => {
    const { ctx, calls } = ctxWith(response(200, { verification_status: 'SUCCESS' }));
    const items = (await completed.toItems(inbound(fixtures.captureCompleted), ctx)) as Item[];
    expect(items.map((i) => i.key)).toEqual(['WH-58D329510W468432D-8HN650336L201105X']);
    expect(calls).toEqual([{
      method: 'POST', path: '/v1/notifications/verify-webhook-signature', allowStatus: expect.any(Array),
      json: {
        transmission_id: HEADERS['paypal-transmission-id'], transmission_time: HEADERS['paypal-transmission-time'], transmission_sig: HEADERS['paypal-transmission-sig'],
        cert_url: HEADERS['paypal-cert-url'], auth_algo: 'SHA256withRSA', webhook_id: '8PT597110X687430LKGECATA', webhook_event: fixtures.captureCompleted,
      },
    }]);
  });
  it('refuses on FAILURE or an answer without a status, and without a stored webhook id', async () => {
    await expect(completed.toItems(inbound(fixtures.captureCompleted), ctxWith(response(200, { verification_status: 'FAILURE' })).ctx)).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('FAILURE') });
    await expect(completed.toItems(inbound(fixtures.captureCompleted), ctxWith(response(200, {})).ctx)).rejects.toMatchObject({ kind: 'permanent' });
    const none = ctxWith(response(200, { verification_status: 'SUCCESS' }), {});
    await expect(completed.toItems(inbound(fixtures.captureCompleted), none.ctx)).rejects.toMatchObject({ kind: 'permanent' });
    expect(none.calls).toHaveLength(0);
  });
  it('ignores another event type without calling PayPal, and passes a verify outage on as transient', async () => {
    const other = ctxWith(response(200, { verification_status: 'SUCCESS' }));
    expect(await completed.toItems(inbound(fixtures.captureRefunded), other.ctx)).toEqual([]);
    expect(other.calls).toHaveLength(0);
    await expect(completed.toItems(inbound(fixtures.captureCompleted), ctxWith(response(503, { name: 'INTERNAL_SERVER_ERROR', message: 'An internal server error occurred.' })).ctx)).rejects.toMatchObject({ kind: 'transient' });
  });
});

describe('PayPal errors', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('read PayPal API and OAuth error bodies', () => {
    expect(paypalErrorMessage({ name: 'WEBHOOK_NUMBER_LIMIT_EXCEEDED', message: "The webhook's number limit has exceeded.", debug_id: '90a0e8a1b2c3' }))
      .toBe("WEBHOOK_NUMBER_LIMIT_EXCEEDED: The webhook's number limit has exceeded. [debug_id 90a0e8a1b2c3]");
    expect(paypalErrorMessage({ name: 'VALIDATION_ERROR', message: 'Invalid request - see details', details: [{ issue: 'INVALID_PARAMETER_SYNTAX' }] })).toBe('VALIDATION_ERROR: Invalid request - see details (INVALID_PARAMETER_SYNTAX)');
    expect(paypalErrorMessage({ error: 'invalid_client', error_description: 'Client Authentication failed' })).toBe('invalid_client: Client Authentication failed');
    expect(paypalErrorMessage('oops')).toBeUndefined();
  });
  it('classify 401, 429 with and without Retry-After, 5xx and 4xx', () => {
    const e = (status: number, headers: Record<string, string> = {}) => paypalError(response(status, { name: 'X', message: 'y' }, headers), now);
    expect(e(401)).toMatchObject({ kind: 'auth', status: 401 });
    expect(e(429, { 'retry-after': '7' })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(e(429)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(e(502)).toMatchObject({ kind: 'transient' });
    expect(e(404)).toMatchObject({ kind: 'permanent', message: 'PayPal 404: X: y' });
    expect(e(400)).toBeInstanceOf(ProviderError);
  });
});
