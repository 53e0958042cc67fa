// Tally, unit level: the signature scheme against an independent HMAC (base64 of HMAC-SHA256 of the raw body,
// keyed with the signing secret, no prefix), the response trigger's mapping (keyed by responseId, the same on a
// retry; other forms, other event types and bodies without ids dropped), the form polls' keys, the form id
// parameter, and the error mapping (401 auth, 429 with Retry-After or a minute, 5xx transient, 4xx permanent).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tallyError, validateFormId } from '../../src/integrations/tally/api.js';
import formResponse from '../../src/integrations/tally/fixtures/form-response.json' with { type: 'json' };
import { TALLY_SIGNATURE, tallyIntegration } from '../../src/integrations/tally/integration.js';
import { schemeProblems, verifyRequest, type HttpClient, type InboundRequest, type Item, type PollSource, type WebhookSource } from '../../src/sdk/index.js';

const trigger = (type: string) => tallyIntegration.triggers.find((t) => t.type === type)!;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (body: unknown, formId = 'VwbNEw') =>
  (trigger('TALLY_TRIGGER_NEW_RESPONSE').source as WebhookSource).toItems(inbound(body), { params: { formId } } as never) as Item[];

describe('Tally signature scheme', () => {
  it('verifies base64(HMAC-SHA256(secret, raw body)) in Tally-Signature and refuses tampering, other secrets and a missing header', () => {
    expect(schemeProblems(TALLY_SIGNATURE)).toEqual([]);
    const secret = 'c2VjcmV0LWZvci10YWxseQ';
    const raw = JSON.stringify(formResponse);
    const sig = createHmac('sha256', secret).update(raw).digest('base64');
    const req = (h: string | undefined, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: h === undefined ? {} : { 'tally-signature': h }, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(TALLY_SIGNATURE, req(sig), { secret }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(TALLY_SIGNATURE, req(sig, raw.replace('Alice', 'Mallory')), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(TALLY_SIGNATURE, req(sig), { secret: 'another' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(TALLY_SIGNATURE, req(createHmac('sha256', secret).update(raw).digest('hex')), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(TALLY_SIGNATURE, req(undefined), { secret }, Date.now()).ok).toBe(false);
  });
});

describe('Tally new response trigger', () => {
  it('maps the FORM_RESPONSE body to one item keyed by responseId, the same on a retry with another event id', () => {
    expect(items(formResponse)).toEqual([{ key: '2wgx4n', payload: formResponse, occurredAt: Date.parse('2023-06-28T15:00:21.000Z') }]);
    expect(items({ ...formResponse, eventId: 'another-delivery' })[0]!.key).toBe('2wgx4n');
    expect(items({ ...formResponse, data: { ...formResponse.data, responseId: undefined } })[0]!.key).toBe('2wgx4n'); // submissionId
  });
  it('drops other forms, other event types, and bodies without ids or data', () => {
    expect(items(formResponse, 'mexJoq')).toEqual([]);
    expect(items({ ...formResponse, eventType: 'FORM_DELETED' })).toEqual([]);
    expect(items({ ...formResponse, data: { ...formResponse.data, responseId: '', submissionId: null } })).toEqual([]);
    expect(items({ eventType: 'FORM_RESPONSE' })).toEqual([]);
    expect(items([formResponse])).toEqual([]);
  });
  it('validates the form id', () => {
    expect(validateFormId('mexJoq')).toBeNull();
    expect(validateFormId('https://tally.so/r/mexJoq')).toContain('form id');
    expect(validateFormId('')).toContain('form id');
    expect(validateFormId('../webhooks')).toContain('form id');
  });
});

describe('Tally form polls', () => {
  const forms = [
    { id: 'a1', name: 'A', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' },
    { id: 'b2', name: 'B', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-02-03T10:00:00.000Z' },
  ];
  const http = (pages: unknown[]): HttpClient & { calls: unknown[] } => {
    const calls: unknown[] = [];
    return {
      calls,
      request: async (req) => {
        calls.push(req.query);
        return { status: 200, headers: {}, body: pages[calls.length - 1] } as never;
      },
      get: async () => { throw new Error('unused'); },
      post: async () => { throw new Error('unused'); },
    };
  };
  const poll = (type: string, h: HttpClient) => (trigger(type).source as PollSource).poll({ http: h, params: {}, cursor: null, now: () => 0 } as never);

  it('new form keys by id over every page; form updated keys by id and updatedAt, skipping never-changed forms', async () => {
    const h = http([{ items: [forms[0]], page: 1, limit: 500, hasMore: true }, { items: [forms[1]], page: 2, limit: 500, hasMore: false }]);
    expect((await poll('TALLY_TRIGGER_NEW_FORM', h)).items.map((i) => i.key)).toEqual(['a1', 'b2']);
    expect(h.calls).toEqual([{ page: 1, limit: 500 }, { page: 2, limit: 500 }]);
    const u = http([{ items: forms, hasMore: false }]);
    expect((await poll('TALLY_TRIGGER_FORM_UPDATED', u)).items).toEqual([{ key: 'b2:2024-02-03T10:00:00.000Z', payload: forms[1], occurredAt: Date.parse('2024-02-03T10:00:00.000Z') }]);
  });
  it('stops at the page bound even when Tally keeps saying hasMore', async () => {
    const h = http(Array.from({ length: 9 }, (_, i) => ({ items: [{ id: `f${i}` }], hasMore: true })));
    expect((await poll('TALLY_TRIGGER_NEW_FORM', h)).items).toHaveLength(5);
  });
});

describe('tallyError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies statuses and keeps Tally\'s message', () => {
    expect(tallyError(res(401, { message: 'Unauthorized' }), 0)).toMatchObject({ kind: 'auth', message: 'Tally 401: Unauthorized' });
    expect(tallyError(res(429, { message: 'Too many requests' }, { 'retry-after': '12' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 12_000 });
    expect(tallyError(res(429, null), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(tallyError(res(500, { error: { message: 'Internal', code: 'INTERNAL' } }), 0)).toMatchObject({ kind: 'transient', message: 'Tally 500 INTERNAL: Internal' });
    expect(tallyError(res(404, { error: 'Form not found' }), 0)).toMatchObject({ kind: 'permanent', status: 404, message: 'Tally 404: Form not found' });
    expect(tallyError(res(403, 'nope'), 0)).toMatchObject({ kind: 'permanent', message: 'Tally 403' });
  });
});
