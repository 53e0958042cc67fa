// Cal.com, unit level: the signature scheme against an independent HMAC (hex HMAC-SHA256 of the raw body, no
// timestamp), the triggers' mapping of Cal.com's example bodies (keys from the trigger event and booking uid, the
// same on a repeat; a reschedule keyed by its new start time), the eventTypeId parameter, and the error mapping.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { calcomError } from '../../src/integrations/calcom/api.js';
import { bookingCancelled, bookingCreated, bookingRescheduled, meetingEnded } from '../../src/integrations/calcom/fixtures/events.js';
import { CALCOM_SIGNATURE, calcomIntegration } from '../../src/integrations/calcom/integration.js';
import { eventTypeIdOf, webhooksPath } from '../../src/integrations/calcom/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => calcomIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown) => source(type).toItems(inbound(body), {} as never) as Item[];

describe('Cal.com signature scheme', () => {
  it('verifies hex(HMAC-SHA256(secret, body)) from X-Cal-Signature-256 and refuses tampering, other secrets and the unsigned marker', () => {
    expect(schemeProblems(CALCOM_SIGNATURE)).toEqual([]);
    const secret = 'whsec_test_7d1f';
    const raw = JSON.stringify(bookingCreated);
    const sig = createHmac('sha256', secret).update(raw).digest('hex');
    const req = (h: string, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: { 'x-cal-signature-256': h }, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(CALCOM_SIGNATURE, req(sig), { secret }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(CALCOM_SIGNATURE, req(sig, `${raw} `), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(CALCOM_SIGNATURE, req(sig), { secret: 'another' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(CALCOM_SIGNATURE, req('no-secret-provided'), { secret }, Date.now()).ok).toBe(false);
  });
});

describe('Cal.com triggers', () => {
  it('are the four documented booking triggers', () => {
    expect(calcomIntegration.triggers.map((t) => t.type)).toEqual([
      'CALCOM_TRIGGER_BOOKING_CREATED', 'CALCOM_TRIGGER_BOOKING_CANCELLED', 'CALCOM_TRIGGER_BOOKING_RESCHEDULED', 'CALCOM_TRIGGER_MEETING_ENDED',
    ]);
  });
  it('map each body to one item keyed by trigger event and booking uid, the same on a repeat', () => {
    expect(items('CALCOM_TRIGGER_BOOKING_CREATED', bookingCreated)).toEqual([
      { key: 'BOOKING_CREATED:bFJeNb2uX8ANpT3JL5EfXw', payload: bookingCreated, occurredAt: Date.parse('2023-05-24T09:30:00.538Z') },
    ]);
    expect(items('CALCOM_TRIGGER_BOOKING_CREATED', { ...bookingCreated, createdAt: '2023-05-24T09:31:00.000Z' })[0]!.key).toBe('BOOKING_CREATED:bFJeNb2uX8ANpT3JL5EfXw');
    expect(items('CALCOM_TRIGGER_BOOKING_CANCELLED', bookingCancelled).map((i) => i.key)).toEqual(['BOOKING_CANCELLED:bFJeNb2uX8ANpT3JL5EfXw']);
    expect(items('CALCOM_TRIGGER_BOOKING_RESCHEDULED', bookingRescheduled).map((i) => i.key)).toEqual(['BOOKING_RESCHEDULED:k2TcYHq8RvoY5BCp1WnXLz:2023-05-26T09:30:00Z']);
    const movedAgain = { ...bookingRescheduled, payload: { ...bookingRescheduled.payload, startTime: '2023-05-27T09:30:00Z' } };
    expect(items('CALCOM_TRIGGER_BOOKING_RESCHEDULED', movedAgain).map((i) => i.key)).toEqual(['BOOKING_RESCHEDULED:k2TcYHq8RvoY5BCp1WnXLz:2023-05-27T09:30:00Z']);
    expect(items('CALCOM_TRIGGER_MEETING_ENDED', meetingEnded).map((i) => i.key)).toEqual(['MEETING_ENDED:k2TcYHq8RvoY5BCp1WnXLz']);
  });
  it('ignore other trigger events, the PING test, bodies without a booking and non-objects', () => {
    expect(items('CALCOM_TRIGGER_BOOKING_CREATED', bookingCancelled)).toEqual([]);
    expect(items('CALCOM_TRIGGER_BOOKING_CREATED', { triggerEvent: 'PING', createdAt: '2023-05-24T09:30:00Z', payload: { type: 'Test' } })).toEqual([]);
    expect(items('CALCOM_TRIGGER_BOOKING_CREATED', { ...bookingCreated, payload: { ...bookingCreated.payload, uid: '', bookingId: undefined } })).toEqual([]);
    expect(items('CALCOM_TRIGGER_BOOKING_CREATED', [])).toEqual([]);
  });
});

describe('eventTypeId parameter', () => {
  const param = calcomIntegration.triggers[0]!.parameters.find((p) => p.id === 'eventTypeId')!;
  it('accepts a positive id as number or digits, and empty for all bookings', () => {
    expect(eventTypeIdOf({})).toBeNull();
    expect(eventTypeIdOf({ eventTypeId: '' })).toBeNull();
    expect(eventTypeIdOf({ eventTypeId: 1234 })).toBe('1234');
    expect(eventTypeIdOf({ eventTypeId: ' 7 ' })).toBe('7');
    expect(webhooksPath('7')).toBe('/event-types/7/webhooks');
    expect(webhooksPath(null)).toBe('/webhooks');
    expect(param.validate!('7')).toBeNull();
  });
  it('refuses anything else, naming the field', () => {
    for (const bad of ['abc', '0', '-3', '1/../../me', 1.5]) {
      expect(() => eventTypeIdOf({ eventTypeId: bad })).toThrow(/^eventTypeId: /);
      expect(param.validate!(bad)).toMatch(/event type id/);
    }
  });
});

describe('calcomError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies statuses and keeps Cal.com\'s message', () => {
    expect(calcomError(res(401, { status: 'error', error: { code: 'UnauthorizedException', message: 'Invalid Access Token.' } }))).toMatchObject({
      kind: 'auth', message: 'Cal.com 401: Invalid Access Token. (UnauthorizedException)',
    });
    expect(calcomError(res(429, {}, { 'retry-after': '7' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(calcomError(res(429, null), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(calcomError(res(503, 'upstream down'))).toMatchObject({ kind: 'transient', status: 503, message: 'Cal.com 503' });
    expect(calcomError(res(400, { status: 'error', error: { code: 'BadRequestException', message: 'subscriberUrl must be a string' } }))).toMatchObject({ kind: 'permanent', status: 400 });
  });
});

describe('Cal.com account id', () => {
  const http = (status: number, body: unknown) => ({
    calls: [] as unknown[],
    async request(req: unknown) {
      this.calls.push(req);
      return { status, headers: {}, body };
    },
    get: () => Promise.reject(new Error('unused')),
    post: () => Promise.reject(new Error('unused')),
  });
  it('is the user id of GET /v2/me, with the username as extra', async () => {
    const h = http(200, { status: 'success', data: { id: 42, username: 'pro', email: 'pro@example.com' } });
    expect(await calcomIntegration.accountId!({ http: h as never, token: { accessToken: 'x' } })).toEqual({ providerAccountId: '42', extra: { username: 'pro' } });
    expect(h.calls).toMatchObject([{ path: '/me' }]);
  });
  it('fails with the mapped error, or when the answer has no id', async () => {
    await expect(calcomIntegration.accountId!({ http: http(401, { status: 'error', error: { message: 'Invalid Access Token.' } }) as never, token: { accessToken: 'x' } })).rejects.toMatchObject({ kind: 'auth' });
    await expect(calcomIntegration.accountId!({ http: http(200, { status: 'success', data: {} }) as never, token: { accessToken: 'x' } })).rejects.toMatchObject({ kind: 'permanent' });
  });
});

describe('Cal.com accounts', () => {
  it('take an API key or an OAuth client token, both as Bearer; the OAuth scopes cover /v2/me, webhooks and bookings; a 401 is a refused token', () => {
    expect(calcomIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' });
    expect(calcomIntegration.alternativeAuth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://app.cal.com/auth/oauth2/authorize', tokenUrl: 'https://api.cal.com/v2/auth/oauth2/token',
      scopes: ['PROFILE_READ', 'EVENT_TYPE_READ', 'EVENT_TYPE_WRITE', 'BOOKING_READ'],
    });
    expect([401, 403].map((status) => calcomIntegration.tokenRefused!({ status, headers: {}, body: null }))).toEqual([true, false]);
  });
});
