// BambooHR, unit level: the signature scheme against an independent HMAC (private key, body + timestamp header), the
// triggers' mapping of event-based bodies (keys stable on a retry, distinct per event), the monitorFields parameter,
// and the error mapping (BambooHR's X-BambooHR-Error-Message kept, 401 auth, 429 with Retry-After, 5xx transient).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bamboohrError } from '../../src/integrations/bamboohr/api.js';
import { employeeCreated, employeeDeleted, employeeStatusChanged, employeeUpdated } from '../../src/integrations/bamboohr/fixtures/events.js';
import { BAMBOOHR_SIGNATURE, bamboohrIntegration } from '../../src/integrations/bamboohr/integration.js';
import { fieldList } from '../../src/integrations/bamboohr/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const trigger = (type: string) => bamboohrIntegration.triggers.find((t) => t.type === type)!;
const source = (type: string) => trigger(type).source as WebhookSource;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown) => source(type).toItems(inbound(body), {} as never) as Item[];

describe('BambooHR signature scheme', () => {
  const key = 'b4c2a1f0'.repeat(8);
  it('verifies hex(HMAC-SHA256(private key, body + X-BambooHR-Timestamp)) and refuses tampering and other keys', () => {
    expect(schemeProblems(BAMBOOHR_SIGNATURE)).toEqual([]);
    const raw = JSON.stringify(employeeCreated);
    const ts = '1769884812';
    const sig = createHmac('sha256', key).update(raw + ts).digest('hex');
    const req = (s: string, t = ts, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: { 'x-bamboohr-signature': s, 'x-bamboohr-timestamp': t }, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(BAMBOOHR_SIGNATURE, req(sig), { secret: key }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(BAMBOOHR_SIGNATURE, req(sig, '1769884813'), { secret: key }, Date.now()).ok).toBe(false);
    expect(verifyRequest(BAMBOOHR_SIGNATURE, req(sig, ts, `${raw} `), { secret: key }, Date.now()).ok).toBe(false);
    expect(verifyRequest(BAMBOOHR_SIGNATURE, req(sig), { secret: 'other' }, Date.now()).ok).toBe(false);
  });
});

describe('BambooHR triggers', () => {
  it('map each event to one item keyed by type, employee, timestamp (and changed fields), the same on a retry', () => {
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', employeeCreated)).toEqual([
      { key: 'employee.created:67890:2026-01-31T18:40:12+0000', payload: employeeCreated, occurredAt: Date.parse('2026-01-31T18:40:12Z') },
    ]);
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_UPDATED', employeeUpdated).map((i) => i.key)).toEqual(['employee.updated:67890:2026-01-31T18:42:00+0000:firstName']);
    const reordered = { ...employeeStatusChanged, data: { ...employeeStatusChanged.data, changedFields: ['terminationDate', 'status'] } };
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_STATUS_CHANGED', reordered)[0]!.key).toBe(items('BAMBOOHR_TRIGGER_EMPLOYEE_STATUS_CHANGED', employeeStatusChanged)[0]!.key);
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_DELETED', employeeDeleted).map((i) => i.key)).toEqual(['employee.deleted:67890:2026-03-02T11:15:45+0000']);
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_DELETED', { ...employeeDeleted, data: { employeeId: 67890 } }).map((i) => i.key)).toEqual(['employee.deleted:67890:2026-03-02T11:15:45+0000']);
  });
  it('ignore other event types, updates without a status change for the status trigger, and malformed bodies', () => {
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', employeeDeleted)).toEqual([]);
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_STATUS_CHANGED', employeeUpdated)).toEqual([]);
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', { ...employeeCreated, data: {} })).toEqual([]);
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', { ...employeeCreated, timestamp: '' })).toEqual([]);
    expect(items('BAMBOOHR_TRIGGER_EMPLOYEE_CREATED', [])).toEqual([]);
  });
  it('monitorFields: a comma-separated list, refused when it names no field', () => {
    expect(fieldList(' firstName, jobTitle ,, ')).toEqual(['firstName', 'jobTitle']);
    const p = trigger('BAMBOOHR_TRIGGER_EMPLOYEE_UPDATED').parameters.find((x) => x.id === 'monitorFields')!;
    expect(p.required).toBe(true);
    expect(p.validate!(' , ')).toContain('monitorFields');
    expect(p.validate!('status')).toBeNull();
  });
  it('the API path names the company through the companyDomain account parameter', () => {
    expect(bamboohrIntegration.apiBaseUrl).toBe('https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1');
    expect(bamboohrIntegration.accountParameters).toEqual([expect.objectContaining({ name: 'companyDomain', acceptSuffix: '.bamboohr.com' })]);
    expect(bamboohrIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', basicPassword: 'x' });
  });
});

describe('bamboohrError', () => {
  const res = (status: number, headers: Record<string, string> = {}, body: unknown = '') => ({ status, body, headers });
  it('classifies statuses and keeps BambooHR\'s message', () => {
    expect(bamboohrError(res(401, { 'x-bamboohr-error-message': 'Invalid API key' }), 'creating the webhook')).toMatchObject({ kind: 'auth', message: 'BambooHR 401 creating the webhook: Invalid API key' });
    expect(bamboohrError(res(429, { 'retry-after': '7' }), 'x')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(bamboohrError(res(429), 'x')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(bamboohrError(res(503), 'x')).toMatchObject({ kind: 'transient', status: 503 });
    expect(bamboohrError(res(400, {}, { message: 'monitorFields is required' }), 'x')).toMatchObject({ kind: 'permanent', message: 'BambooHR 400 x: monitorFields is required' });
  });
});
