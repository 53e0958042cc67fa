// Square at the source level: the signature scheme against Square's published WebhooksHelper test vector, the
// routing of a verified event by merchant_id, each trigger's items (keys, filters, location), the error mapping,
// and the connect-time merchant lookup against the fake Square over real HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { SQUARE_VERSION, squareError } from '../../src/integrations/square/api.js';
import { customerCreated, invoicePaymentMade, orderCreated, paymentCreated, paymentUpdatedCompleted } from '../../src/integrations/square/fixtures/events.js';
import { squareIntegration } from '../../src/integrations/square/integration.js';
import { SQUARE_SIGNATURE, squareAppWebhook } from '../../src/integrations/square/webhooks.js';
import { ProviderError, schemeProblems, signRequest, verifyRequest, type AnyTriggerDefinition, type AppEvent, type AppWebhookSource, type InboundRequest, type TokenSet } from '../../src/sdk/index.js';
import { startFakeSquare, type FakeSquare } from '../providers/square.js';

function trigger(type: string): AnyTriggerDefinition {
  const t = squareIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

function inbound(body: unknown): InboundRequest {
  const text = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/app/p/square', headers: {}, rawBody: Buffer.from(text), body: JSON.parse(text) };
}

function eventOf(body: unknown): AppEvent {
  const [event] = squareAppWebhook.parse(inbound(body));
  if (!event) throw new Error('not routed');
  return event;
}

const match = (type: string, body: unknown, params: Record<string, unknown> = {}) => (trigger(type).source as AppWebhookSource).match(eventOf(body), params);

describe('square', () => {
  it('declares the trigger types, the OAuth endpoints (JSON token requests), the API host and the pinned Square-Version', () => {
    expect(squareIntegration.triggers.map((t) => t.type)).toEqual([
      'SQUARE_TRIGGER_PAYMENT_CREATED', 'SQUARE_TRIGGER_PAYMENT_COMPLETED', 'SQUARE_TRIGGER_ORDER_CREATED', 'SQUARE_TRIGGER_CUSTOMER_CREATED', 'SQUARE_TRIGGER_INVOICE_PAID',
    ]);
    expect(squareIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://connect.squareup.com/oauth2/authorize', tokenUrl: 'https://connect.squareup.com/oauth2/token',
      clientAuth: 'body', tokenRequestEncoding: 'json', pkce: false,
    });
    expect(squareIntegration.apiBaseUrl).toBe('https://connect.squareup.com');
    expect(squareIntegration.defaultHeaders).toEqual({ 'Square-Version': SQUARE_VERSION });
    for (const t of squareIntegration.triggers) expect(t.source.kind).toBe('appWebhook');
  });

  describe('signature', () => {
    // Square's own test vector, used by the WebhooksHelper tests of its SDKs (Node, Python, Java, PHP, Ruby, Go).
    const body = '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}';
    const key = { secret: 'Ibxx_5AKakO-3qeNVR61Dw' };
    const publicUrl = 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9';
    const req = {
      method: 'POST', url: '/679a4f3a-dcfa-49ee-bac5-9d0edad886b9', publicUrl, rawBody: Buffer.from(body),
      headers: { 'x-square-hmacsha256-signature': 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=' },
    };

    it('is well formed and verifies Square\'s published example', () => {
      expect(schemeProblems(SQUARE_SIGNATURE)).toEqual([]);
      expect(verifyRequest(SQUARE_SIGNATURE, req, key, Date.now())).toEqual({ ok: true });
      expect(signRequest(SQUARE_SIGNATURE, req, key, Date.now())).toEqual(req.headers);
    });

    it('fails with another key, another body or another notification URL', () => {
      expect(verifyRequest(SQUARE_SIGNATURE, req, { secret: 'another-key' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(SQUARE_SIGNATURE, { ...req, rawBody: Buffer.from(body.replace('MLEFBHHSJGVHD', 'MLEFBHHSJGVHE')) }, key, Date.now()).ok).toBe(false);
      expect(verifyRequest(SQUARE_SIGNATURE, { ...req, publicUrl: 'https://webhook.site/another' }, key, Date.now()).ok).toBe(false);
    });
  });

  describe('routing', () => {
    it('routes an event to its merchant, with the event id for deduplication of logs', () => {
      expect(squareAppWebhook.parse(inbound(paymentCreated))).toEqual([
        { providerAccountId: '6SSW7HV8K2ST5', deliveryId: '13b867cf-db3d-4b1c-90b6-2f32a9d78124', eventType: 'payment.created', event: paymentCreated },
      ]);
    });

    it('ignores bodies that name no merchant, event id or type', () => {
      for (const body of [{}, [], { ...paymentCreated, merchant_id: '' }, { ...paymentCreated, event_id: undefined }, { ...paymentCreated, type: 7 }]) {
        expect(squareAppWebhook.parse(inbound(body))).toEqual([]);
      }
    });
  });

  describe('items', () => {
    it('payment created: keyed by the payment id, occurredAt from the event', () => {
      expect(match('SQUARE_TRIGGER_PAYMENT_CREATED', paymentCreated)).toEqual([
        { key: 'KkAkhdMsgzn59SM8A89WgKwekxLZY', payload: paymentCreated, occurredAt: Date.parse('2020-02-06T21:27:30.792Z') },
      ]);
      expect(match('SQUARE_TRIGGER_PAYMENT_CREATED', paymentUpdatedCompleted)).toEqual([]);
    });

    it('payment completed: only COMPLETED payments, from payment.updated or payment.created, keyed by the payment (once per payment)', () => {
      expect(match('SQUARE_TRIGGER_PAYMENT_COMPLETED', paymentCreated)).toEqual([]); // APPROVED
      const [completed] = match('SQUARE_TRIGGER_PAYMENT_COMPLETED', paymentUpdatedCompleted);
      expect(completed!.key).toBe('KkAkhdMsgzn59SM8A89WgKwekxLZY');
      const createdCompleted = structuredClone(paymentCreated);
      createdCompleted.data.object.payment.status = 'COMPLETED';
      expect(match('SQUARE_TRIGGER_PAYMENT_COMPLETED', createdCompleted).map((i) => i.key)).toEqual(['KkAkhdMsgzn59SM8A89WgKwekxLZY']);
      const canceled = structuredClone(paymentUpdatedCompleted);
      canceled.data.object.payment.status = 'CANCELED';
      expect(match('SQUARE_TRIGGER_PAYMENT_COMPLETED', canceled)).toEqual([]);
    });

    it('the location filter keeps only that location\'s objects', () => {
      expect(match('SQUARE_TRIGGER_PAYMENT_CREATED', paymentCreated, { locationId: 'S8GWD5R9QB376' })).toHaveLength(1);
      expect(match('SQUARE_TRIGGER_PAYMENT_CREATED', paymentCreated, { locationId: 'LOTHER' })).toEqual([]);
      expect(match('SQUARE_TRIGGER_ORDER_CREATED', orderCreated, { locationId: 'FPYCBCHYMXFK1' })).toHaveLength(1);
      expect(match('SQUARE_TRIGGER_ORDER_CREATED', orderCreated, { locationId: 'LOTHER' })).toEqual([]);
    });

    it('order created keyed by order_id; customer created by the customer id', () => {
      expect(match('SQUARE_TRIGGER_ORDER_CREATED', orderCreated).map((i) => i.key)).toEqual(['eA3vssLHKJrv9H0IdJCM3gNqfdcZY']);
      expect(match('SQUARE_TRIGGER_CUSTOMER_CREATED', customerCreated).map((i) => i.key)).toEqual(['A0AP25A6ZX6A4JC5F2W1Q8WP0P']);
      expect(match('SQUARE_TRIGGER_CUSTOMER_CREATED', orderCreated)).toEqual([]);
    });

    it('invoice paid: only PAID invoices, keyed by the invoice id', () => {
      expect(match('SQUARE_TRIGGER_INVOICE_PAID', invoicePaymentMade).map((i) => i.key)).toEqual(['gt2zv1z6mnUm1V7KMxxf3w']);
      const partial = structuredClone(invoicePaymentMade);
      partial.data.object.invoice.status = 'PARTIALLY_PAID';
      expect(match('SQUARE_TRIGGER_INVOICE_PAID', partial)).toEqual([]);
    });

    it('skips events whose object is missing', () => {
      expect(match('SQUARE_TRIGGER_PAYMENT_CREATED', { ...paymentCreated, data: { type: 'payment', id: 'x', object: {} } })).toEqual([]);
    });
  });

  describe('parameters', () => {
    const location = trigger('SQUARE_TRIGGER_PAYMENT_CREATED').parameters.find((p) => p.id === 'locationId')!;
    it('accepts a Square location id and refuses anything else with a message', () => {
      expect(location.required).toBe(false);
      expect(location.validate!('L88917AVBK2S5')).toBeNull();
      for (const bad of ['has space', 'L8/../x', 'x'.repeat(65), 42]) expect(location.validate!(bad)).toMatch(/Square location ID/);
    });
  });

  describe('errors', () => {
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });
    it('maps 401 to auth, 429 to rate_limited (Retry-After, else a minute), 5xx to transient, others to permanent, with Square\'s code and detail', () => {
      const auth = squareError(res(401, { errors: [{ category: 'AUTHENTICATION_ERROR', code: 'ACCESS_TOKEN_EXPIRED', detail: 'The access token has expired.' }] }), 0);
      expect(auth).toBeInstanceOf(ProviderError);
      expect([auth.kind, auth.status, auth.message]).toEqual(['auth', 401, 'Square 401: ACCESS_TOKEN_EXPIRED: The access token has expired.']);
      const limited = squareError(res(429, { errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' }] }), 0);
      expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 60_000]);
      expect(squareError(res(429, {}, { 'retry-after': '5' }), 0).retryAfterMs).toBe(5000);
      expect(squareError(res(503, 'Service Unavailable'), 0).kind).toBe('transient');
      const invalid = squareError(res(400, { errors: [{ code: 'INVALID_VALUE', detail: 'bad', field: 'location_id' }] }), 0);
      expect([invalid.kind, invalid.message]).toEqual(['permanent', 'Square 400: INVALID_VALUE: bad (location_id)']);
    });
  });

  describe('accountId', () => {
    let sq: FakeSquare;
    const token: TokenSet = { accessToken: 'unused' };
    const lookup = (accessToken: string) => {
      const http = createProviderHttp({ integration: squareIntegration, apiBaseUrl: sq.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${accessToken}` }) } });
      return squareIntegration.accountId!({ http, token });
    };
    beforeEach(async () => {
      sq = await startFakeSquare();
      sq.tokens.set('seller-token', 'MLSELLER1');
    });
    afterEach(async () => {
      await sq.close();
    });

    it('reads the merchant of the token with GET /v2/merchants/me and the pinned version', async () => {
      expect(await lookup('seller-token')).toEqual({
        providerAccountId: 'MLSELLER1', extra: { merchantId: 'MLSELLER1', businessName: 'Business MLSELLER1', country: 'US', mainLocationId: 'L88917AVBK2S5' },
      });
      expect(sq.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v2/merchants/me', version: SQUARE_VERSION, auth: 'Bearer seller-token' });
    });

    it('maps Square\'s failures', async () => {
      await expect(lookup('revoked')).rejects.toMatchObject({ kind: 'auth', message: 'Square 401: UNAUTHORIZED: This request could not be authorized.' });
      sq.failNext(1, 429);
      await expect(lookup('seller-token')).rejects.toMatchObject({ kind: 'rate_limited', status: 429 });
      sq.failNext(1, 500);
      await expect(lookup('seller-token')).rejects.toMatchObject({ kind: 'transient', status: 500 });
    });
  });
});
