// Paddle, unit level: the signature scheme against an independent HMAC (`Paddle-Signature: ts=…;h1=…`, hex
// HMAC-SHA256 of `ts:rawBody`, several h1 during rotation, a stale timestamp refused), the triggers' mapping of
// Paddle's event envelopes (keyed by event_id, the same on a retry with a new notification_id), and the error
// mapping (403 invalid_token is an auth failure, 403 forbidden a permission problem, 429 Retry-After).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paddleError } from '../../src/integrations/paddle/api.js';
import { customerCreated, subscriptionCanceled, subscriptionCreated, subscriptionPastDue, transactionCompleted } from '../../src/integrations/paddle/fixtures/events.js';
import { PADDLE_SIGNATURE, paddleIntegration } from '../../src/integrations/paddle/integration.js';
import { paddleNotificationId } from '../../src/integrations/paddle/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => paddleIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown) => source(type).toItems(inbound(body), {} as never) as Item[];

describe('Paddle signature scheme', () => {
  const secret = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI';
  const raw = JSON.stringify(transactionCompleted);
  const now = 1_712_917_129_000;
  const ts = Math.floor(now / 1000);
  const h1 = (t: number, body = raw, key = secret) => createHmac('sha256', key).update(`${t}:${body}`).digest('hex');
  const req = (header: string, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: { 'paddle-signature': header }, rawBody: Buffer.from(body), body: JSON.parse(body) });

  it('verifies ts=…;h1=hex(HMAC-SHA256(secret, "ts:body")) and refuses tampering, another secret and a bare hash', () => {
    expect(schemeProblems(PADDLE_SIGNATURE)).toEqual([]);
    expect(verifyRequest(PADDLE_SIGNATURE, req(`ts=${ts};h1=${h1(ts)}`), { secret }, now)).toEqual({ ok: true });
    expect(verifyRequest(PADDLE_SIGNATURE, req(`ts=${ts};h1=${h1(ts)}`, `${raw} `), { secret }, now).ok).toBe(false);
    expect(verifyRequest(PADDLE_SIGNATURE, req(`ts=${ts};h1=${h1(ts, raw, 'pdl_ntfset_other')}`), { secret }, now).ok).toBe(false);
    expect(verifyRequest(PADDLE_SIGNATURE, req(`ts=${ts + 1};h1=${h1(ts)}`), { secret }, now).ok).toBe(false);
    expect(verifyRequest(PADDLE_SIGNATURE, req(h1(ts)), { secret }, now).ok).toBe(false);
    // The timestamp is signed: a signature over the body alone does not pass.
    expect(verifyRequest(PADDLE_SIGNATURE, req(`ts=${ts};h1=${createHmac('sha256', secret).update(raw).digest('hex')}`), { secret }, now).ok).toBe(false);
  });
  it('accepts any of several h1 values (secret rotation) and refuses a timestamp older than five minutes', () => {
    expect(verifyRequest(PADDLE_SIGNATURE, req(`ts=${ts};h1=${'0'.repeat(64)};h1=${h1(ts)}`), { secret }, now)).toEqual({ ok: true });
    expect(verifyRequest(PADDLE_SIGNATURE, req(`ts=${ts - 200};h1=${h1(ts - 200)}`), { secret }, now)).toEqual({ ok: true });
    expect(verifyRequest(PADDLE_SIGNATURE, req(`ts=${ts - 301};h1=${h1(ts - 301)}`), { secret }, now).ok).toBe(false);
  });
});

describe('Paddle triggers', () => {
  it('are the five event types, without parameters', () => {
    expect(paddleIntegration.triggers.map((t) => t.type)).toEqual([
      'PADDLE_TRIGGER_TRANSACTION_COMPLETED', 'PADDLE_TRIGGER_SUBSCRIPTION_CREATED', 'PADDLE_TRIGGER_SUBSCRIPTION_CANCELED',
      'PADDLE_TRIGGER_SUBSCRIPTION_PAST_DUE', 'PADDLE_TRIGGER_CUSTOMER_CREATED',
    ]);
    expect(paddleIntegration.triggers.every((t) => t.parameters.length === 0)).toBe(true);
  });
  it('map each envelope to one item keyed by event_id with occurred_at, the same on a retry', () => {
    expect(items('PADDLE_TRIGGER_TRANSACTION_COMPLETED', transactionCompleted)).toEqual([
      { key: 'evt_01hv8x2ddxrw1f1k4ka6yr6zqh', payload: transactionCompleted, occurredAt: Date.parse('2024-04-12T10:18:49.621022Z') },
    ]);
    const retry = { ...transactionCompleted, notification_id: 'ntf_01hv8x9q0a6v4m2sg7c8x1kq3d' };
    expect(items('PADDLE_TRIGGER_TRANSACTION_COMPLETED', retry)[0]!.key).toBe('evt_01hv8x2ddxrw1f1k4ka6yr6zqh');
    expect(paddleNotificationId(inbound(retry))).toBe('ntf_01hv8x9q0a6v4m2sg7c8x1kq3d');
    expect(items('PADDLE_TRIGGER_SUBSCRIPTION_CREATED', subscriptionCreated).map((i) => i.key)).toEqual(['evt_01hv8x2a6ne7mbg7gb2sk0m2vz']);
    expect(items('PADDLE_TRIGGER_SUBSCRIPTION_CANCELED', subscriptionCanceled).map((i) => i.key)).toEqual(['evt_01hvcaccmgxnvtftf6vrydakzh']);
    expect(items('PADDLE_TRIGGER_SUBSCRIPTION_PAST_DUE', subscriptionPastDue).map((i) => i.key)).toEqual(['evt_01hvcb5w3qj8k3gm1q4y8w7d7y']);
    expect(items('PADDLE_TRIGGER_CUSTOMER_CREATED', customerCreated).map((i) => i.key)).toEqual(['evt_01hv6y1jfv6ev12n0vkbd9r3n7']);
  });
  it('ignore other event types, bodies without an event id and non-objects', () => {
    expect(items('PADDLE_TRIGGER_SUBSCRIPTION_CREATED', subscriptionCanceled)).toEqual([]);
    expect(items('PADDLE_TRIGGER_CUSTOMER_CREATED', { ...customerCreated, event_id: '' })).toEqual([]);
    expect(items('PADDLE_TRIGGER_CUSTOMER_CREATED', [customerCreated])).toEqual([]);
    expect(items('PADDLE_TRIGGER_CUSTOMER_CREATED', { ...customerCreated, occurred_at: 'soon' })).toEqual([{ key: customerCreated.event_id, payload: { ...customerCreated, occurred_at: 'soon' } }]);
  });
});

describe('paddleError', () => {
  const res = (status: number, code: string | null, detail = 'x', headers: Record<string, string> = {}) => ({
    status, headers, body: code ? { error: { type: 'request_error', code, detail, documentation_url: `https://developer.paddle.com/errors/shared/${code}` }, meta: { request_id: 'r' } } : null,
  });
  it('classifies Paddle\'s answers and keeps its message', () => {
    expect(paddleError(res(403, 'invalid_token', 'Invalid or revoked API key.'))).toMatchObject({ kind: 'auth', status: 403, message: 'Paddle 403: Invalid or revoked API key. (invalid_token)' });
    expect(paddleError(res(403, 'authentication_malformed'))).toMatchObject({ kind: 'auth' });
    expect(paddleError(res(401, 'authentication_missing'))).toMatchObject({ kind: 'auth' });
    expect(paddleError(res(403, 'forbidden', "You aren't permitted to perform this request."))).toMatchObject({ kind: 'permanent', status: 403 });
    expect(paddleError(res(429, 'too_many_requests', 'slow down', { 'retry-after': '9' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 9000 });
    expect(paddleError(res(429, null), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(paddleError(res(502, null))).toMatchObject({ kind: 'transient', status: 502, message: 'Paddle 502' });
    const invalid = { status: 400, headers: {}, body: { error: { code: 'bad_request', detail: 'Invalid request.', errors: [{ field: 'destination', message: 'must be a valid URL' }] } } };
    expect(paddleError(invalid)).toMatchObject({ kind: 'permanent', message: 'Paddle 400: Invalid request. — destination: must be a valid URL (bad_request)' });
  });
});
