// MailerLite, unit level: the signature scheme against an independent HMAC (hex of HMAC-SHA256 of the raw body,
// keyed with the webhook secret), the triggers' mapping of the non-batched bodies (keys by object and version,
// the same on a retry; other events and other groups dropped), and the error mapping (401 auth, 429 with
// Retry-After, 5xx transient, 422 permanent with MailerLite's field messages).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mailerliteError } from '../../src/integrations/mailerlite/api.js';
import { campaignSent, subscriberAddedToGroup, subscriberCreated, subscriberUnsubscribed } from '../../src/integrations/mailerlite/fixtures/events.js';
import { mailerliteIntegration, mailerliteSignatureScheme } from '../../src/integrations/mailerlite/integration.js';
import { timeOf } from '../../src/integrations/mailerlite/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const trigger = (type: string) => mailerliteIntegration.triggers.find((t) => t.type === type)!;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown, params: Record<string, unknown> = {}) =>
  (trigger(type).source as WebhookSource).toItems(inbound(body), { params } as never) as Item[];

describe('MailerLite signature scheme', () => {
  it('verifies hex(HMAC-SHA256(secret, raw body)) in the Signature header and refuses tampering and other secrets', () => {
    expect(schemeProblems(mailerliteSignatureScheme)).toEqual([]);
    const secret = 'ybmcD7PQ9R';
    const raw = JSON.stringify(subscriberCreated);
    const sig = createHmac('sha256', secret).update(raw).digest('hex');
    const req = (h: string | undefined, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: h === undefined ? {} : { signature: h }, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(mailerliteSignatureScheme, req(sig), { secret }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(mailerliteSignatureScheme, req(sig, `${raw} `), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(mailerliteSignatureScheme, req(sig), { secret: 'another' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(mailerliteSignatureScheme, req(undefined), { secret }, Date.now()).ok).toBe(false);
  });
});

describe('MailerLite triggers', () => {
  it('map each non-batched body to one item keyed by object (and version), the same on a retry', () => {
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', subscriberCreated)).toEqual([
      { key: '31897397363737859', payload: subscriberCreated, occurredAt: Date.parse('2024-02-05T21:48:53Z') },
    ]);
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_UNSUBSCRIBED', subscriberUnsubscribed).map((i) => i.key)).toEqual(['31897397363737859:2024-03-11 09:15:02']);
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_ADDED_TO_GROUP', subscriberAddedToGroup).map((i) => i.key)).toEqual(['31897397363737859:111222333444555666:2024-02-06 08:00:12']);
    expect(items('MAILERLITE_TRIGGER_CAMPAIGN_SENT', campaignSent)).toEqual([{ key: '42938581384987611', payload: campaignSent, occurredAt: Date.parse('2024-02-07T10:00:05Z') }]);
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', { ...subscriberCreated })[0]!.key).toBe(items('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', subscriberCreated)[0]!.key);
  });
  it('drop bodies naming another event, other groups when a group is chosen, batched envelopes and bodies without ids', () => {
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', subscriberUnsubscribed)).toEqual([]);
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_UNSUBSCRIBED', subscriberCreated)).toEqual([]);
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_ADDED_TO_GROUP', subscriberAddedToGroup, { groupId: '999' })).toEqual([]);
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_ADDED_TO_GROUP', subscriberAddedToGroup, { groupId: '111222333444555666' })).toHaveLength(1);
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', [subscriberCreated])).toEqual([]);
    expect(items('MAILERLITE_TRIGGER_SUBSCRIBER_CREATED', { ...subscriberCreated, id: '' })).toEqual([]);
    expect(items('MAILERLITE_TRIGGER_CAMPAIGN_SENT', { ...campaignSent, id: null })).toEqual([]);
  });
  it('validates the group id parameter', () => {
    const p = trigger('MAILERLITE_TRIGGER_SUBSCRIBER_ADDED_TO_GROUP').parameters.find((x) => x.id === 'groupId')!;
    expect(p.validate!('111222333444555666')).toBeNull();
    expect(p.validate!('Newsletter')).toContain('group id');
  });
  it('reads MailerLite times as UTC', () => {
    expect(timeOf('2024-02-05 21:48:53')).toBe(Date.parse('2024-02-05T21:48:53Z'));
    expect(timeOf('2024-02-05T21:48:53.000000Z')).toBe(Date.parse('2024-02-05T21:48:53Z'));
    expect(timeOf(null)).toBeUndefined();
  });
});

describe('mailerliteError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies statuses and keeps MailerLite\'s message', () => {
    expect(mailerliteError(res(401, { message: 'Unauthenticated.' }))).toMatchObject({ kind: 'auth', message: 'MailerLite 401: Unauthenticated.' });
    expect(mailerliteError(res(429, { message: 'Too Many Attempts.' }, { 'retry-after': '7' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(mailerliteError(res(429, {}), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(mailerliteError(res(503, null))).toMatchObject({ kind: 'transient', status: 503 });
    expect(mailerliteError(res(422, { message: 'The given data was invalid.', errors: { url: ['The url must be a valid URL.'] } }))).toMatchObject({
      kind: 'permanent', message: 'MailerLite 422: The given data was invalid.; url: The url must be a valid URL.',
    });
  });
});
