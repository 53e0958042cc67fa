import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../storage/port.js';
import { deliveryHeaders, serializeEnvelope, serializeStoredEnvelope, toEnvelope } from './envelope.js';

const event: StoredEvent = {
  seq: 7, id: 'evt-1', projectId: 'prj', userId: 'user-1', subscriptionId: 'sub-1', credentialId: 'cred-1',
  integration: 'github', triggerType: 'GITHUB_TRIGGER_ISSUE_OPENED', dedupeKey: 'k', payload: { n: 1 },
  status: 'PENDING', dateReceived: Date.UTC(2026, 0, 2, 3, 4, 5), deliveredAt: null,
};

describe('envelope', () => {
  it('has exactly the SPEC §4 fields, in order', () => {
    const body = JSON.parse(serializeEnvelope(toEnvelope(event, { metadata: { tenant: 't1' } })));
    expect(Object.keys(body)).toEqual([
      'eventId', 'userId', 'integration', 'triggerType', 'triggerSubscriptionId', 'credentialId', 'projectId',
      'dateReceived', 'payload', 'triggerSubscriptionMetadata',
    ]);
    expect(body).toEqual({
      eventId: 'evt-1', userId: 'user-1', integration: 'github', triggerType: 'GITHUB_TRIGGER_ISSUE_OPENED',
      triggerSubscriptionId: 'sub-1', credentialId: 'cred-1', projectId: 'prj', dateReceived: '2026-01-02T03:04:05.000Z',
      payload: { n: 1 }, triggerSubscriptionMetadata: { tenant: 't1' },
    });
  });

  it('embeds the stored payload JSON character for character as serialising the whole envelope would', () => {
    const payloads = [{ n: 1 }, null, 'text', [1, 'two', { three: 3 }], { nested: { 'quo"te': 'é\u2028', emoji: '🎉', n: -0.5e-7 } }];
    for (const payload of payloads) {
      for (const metadata of [undefined, { tenant: 't1', n: [1] }]) {
        const stored = { ...event, payload, credentialId: null };
        const whole = serializeEnvelope(toEnvelope(stored, { metadata }));
        expect(serializeStoredEnvelope(stored, { metadata }, JSON.stringify(payload))).toBe(whole);
      }
    }
  });

  it('does not read the payload of the event it embeds as stored JSON (a claimed event parses it on read)', () => {
    const claimed = Object.defineProperty({ ...event }, 'payload', {
      get: () => {
        throw new Error('payload read');
      },
    });
    const body = JSON.parse(serializeStoredEnvelope(claimed, null, '{"n":2}'));
    expect(body.payload).toEqual({ n: 2 });
    expect(body.eventId).toBe('evt-1');
  });

  it('uses {} as metadata without an override', () => {
    expect(toEnvelope(event, null).triggerSubscriptionMetadata).toEqual({});
    expect(toEnvelope(event, { metadata: undefined }).triggerSubscriptionMetadata).toEqual({});
  });
});

describe('deliveryHeaders', () => {
  it('keeps override headers but drops ours (signature headers included), whatever their case', () => {
    const h = deliveryHeaders({
      'X-Tenant': 'acme',
      Authorization: 'Bearer abc',
      'Content-Type': 'text/plain',
      'X-PARAGON-SIGNATURE': 'v1=forged',
      'Webhook-Signature': 'v1,forged',
      'webhook-id': 'other',
      'Webhook-Timestamp': '0',
      'Content-Length': '1',
      Host: 'evil.example',
      'Transfer-Encoding': 'chunked',
    });
    expect(h).toEqual({
      'user-agent': 'OpenTriggers-Webhooks/1',
      'x-tenant': 'acme',
      authorization: 'Bearer abc',
      'content-type': 'application/json',
    });
  });

  it('lets an override set the user agent', () => {
    expect(deliveryHeaders({ 'User-Agent': 'mine' })['user-agent']).toBe('mine');
  });
});
