// Close, unit level: the signature scheme against an independent HMAC (hex-decoded key, timestamp + body), the
// triggers' mapping of Close's example bodies (keys are the event id, so a retry maps to the same key), and the
// error mapping (401 auth, 429 with rate_reset, 5xx transient, else permanent with Close's text, no secrets).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closeError } from '../../src/integrations/close/api.js';
import { contactCreated, leadCreated, leadUpdated, opportunityCreated, opportunityStatusChanged, opportunityValueChanged } from '../../src/integrations/close/fixtures/events.js';
import { closeIntegration, closeSignatureScheme } from '../../src/integrations/close/integration.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => closeIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown) => source(type).toItems(inbound(body), {} as never) as Item[];

describe('Close signature scheme', () => {
  const key = 'c0ffee'.repeat(10) + 'beef';
  const at = 1700000000;
  it('verifies hex(HMAC-SHA256(hex-decoded key, timestamp + body)) and refuses tampering, other keys and stale timestamps', () => {
    expect(schemeProblems(closeSignatureScheme)).toEqual([]);
    const raw = JSON.stringify(leadCreated);
    const hash = createHmac('sha256', Buffer.from(key, 'hex')).update(`${at}${raw}`).digest('hex');
    const req = (h: string, ts = String(at), body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: { 'close-sig-hash': h, 'close-sig-timestamp': ts }, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(closeSignatureScheme, req(hash), { secret: key }, at * 1000)).toEqual({ ok: true });
    expect(verifyRequest(closeSignatureScheme, req(hash, String(at), `${raw} `), { secret: key }, at * 1000).ok).toBe(false);
    expect(verifyRequest(closeSignatureScheme, req(hash), { secret: 'ab'.repeat(32) }, at * 1000).ok).toBe(false);
    expect(verifyRequest(closeSignatureScheme, req(hash), { secret: key }, (at + 301) * 1000).ok).toBe(false);
  });
});

describe('Close triggers', () => {
  it('map each body to one item keyed by the event id (the same on a retry)', () => {
    expect(items('CLOSE_TRIGGER_LEAD_CREATED', leadCreated)).toEqual([{ key: 'ev_0qWIPhap850wIvg1Q1Apb5', payload: leadCreated, occurredAt: Date.parse('2019-01-15T12:30:10.120Z') }]);
    expect(items('CLOSE_TRIGGER_LEAD_CREATED', leadCreated)[0]!.key).toBe(items('CLOSE_TRIGGER_LEAD_CREATED', { ...leadCreated })[0]!.key);
    expect(items('CLOSE_TRIGGER_LEAD_UPDATED', leadUpdated).map((i) => i.key)).toEqual(['ev_5vbNUmfuD02BNal6V7Fuf0']);
    expect(items('CLOSE_TRIGGER_CONTACT_CREATED', contactCreated).map((i) => i.key)).toEqual(['ev_6wcOVngvE13COcm7W8Gvg1']);
    expect(items('CLOSE_TRIGGER_OPPORTUNITY_CREATED', opportunityCreated).map((i) => i.key)).toEqual(['ev_1rXJQibq960xJwh2R2Bqc6']);
  });
  it('ignore other objects/actions, updates without a status change, and bodies without an event id', () => {
    expect(items('CLOSE_TRIGGER_LEAD_CREATED', contactCreated)).toEqual([]);
    expect(items('CLOSE_TRIGGER_LEAD_CREATED', leadUpdated)).toEqual([]);
    expect(items('CLOSE_TRIGGER_OPPORTUNITY_STATUS_CHANGED', opportunityValueChanged)).toEqual([]);
    expect(items('CLOSE_TRIGGER_OPPORTUNITY_STATUS_CHANGED', opportunityStatusChanged).map((i) => i.key)).toEqual(['ev_2sYKRjcrA79yKxi3S4Crd7']);
    expect(items('CLOSE_TRIGGER_LEAD_CREATED', { event: { ...leadCreated.event, id: '' } })).toEqual([]);
    expect(items('CLOSE_TRIGGER_LEAD_CREATED', [])).toEqual([]);
  });
});

describe('closeError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies statuses and keeps Close\'s message', () => {
    expect(closeError(res(401, { error: 'The API key is invalid.' }))).toMatchObject({ kind: 'auth', message: 'Close 401: The API key is invalid.' });
    expect(closeError(res(429, { error: { message: 'API call count exceeded', rate_reset: 2.5 } }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2500 });
    expect(closeError(res(429, {}, { 'retry-after': '7' }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(closeError(res(503, null))).toMatchObject({ kind: 'transient', status: 503 });
    expect(closeError(res(400, { errors: [], 'field-errors': { url: 'Enter a valid URL.' } }))).toMatchObject({ kind: 'permanent', message: 'Close 400: url: Enter a valid URL.' });
  });
});
