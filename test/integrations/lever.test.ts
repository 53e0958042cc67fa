// Lever, unit level: the body-field signature scheme against an independent HMAC (Lever's documented recipe:
// hex HMAC-SHA256 with the signatureToken over token + triggeredAt), the triggers' mapping of Lever bodies (keys are
// the signed token, not the unsigned event id; token and signature are not delivered; the test request is ignored), both
// shapes of the create-webhook answer, parameter validation, and the error mapping.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leverError } from '../../src/integrations/lever/api.js';
import { candidateHired, candidateStageChange } from '../../src/integrations/lever/fixtures/events.js';
import { leverIntegration, leverSignatureScheme } from '../../src/integrations/lever/integration.js';
import { validStageId } from '../../src/integrations/lever/triggers/candidate-stage-changed.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => leverIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown, params: Record<string, unknown> = {}) => source(type).toItems(inbound(body), { params } as never) as Item[];

describe('Lever signature scheme', () => {
  const signatureToken = '73311ged32110cc40e00c672c2e03e1a42fa28a4fabde089';
  const token = 'be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154';
  const triggeredAt = 1431454330072;
  const signature = createHmac('sha256', signatureToken).update(token + String(triggeredAt)).digest('hex');
  const body = { ...candidateStageChange, token, signature };

  it('verifies hex(HMAC-SHA256(signatureToken, token + triggeredAt)) from the body, at any time (no window)', () => {
    expect(schemeProblems(leverSignatureScheme)).toEqual([]);
    expect(verifyRequest(leverSignatureScheme, inbound(body), { secret: signatureToken }, Date.now())).toEqual({ ok: true });
  });
  it('refuses another key, a changed token or triggeredAt, and a body without signature', () => {
    expect(verifyRequest(leverSignatureScheme, inbound(body), { secret: 'other' }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(leverSignatureScheme, inbound({ ...body, token: token.replace('b', 'c') }), { secret: signatureToken }, Date.now()).ok).toBe(false);
    expect(verifyRequest(leverSignatureScheme, inbound({ ...body, triggeredAt: triggeredAt + 1 }), { secret: signatureToken }, Date.now()).ok).toBe(false);
    const { signature: _s, ...unsigned } = body;
    expect(verifyRequest(leverSignatureScheme, inbound(unsigned), { secret: signatureToken }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
  });
});

describe('Lever triggers', () => {
  it('map a body to one item keyed by its signed token, without token and signature, at triggeredAt', () => {
    const withAuth = { ...candidateHired, token: 't'.repeat(48), signature: 'ab'.repeat(32) };
    expect(items('LEVER_TRIGGER_CANDIDATE_HIRED', withAuth)).toEqual([{ key: 't'.repeat(48), payload: candidateHired, occurredAt: candidateHired.triggeredAt }]);
    // The unsigned id and data do not change the key: a replay with other values is the same item.
    expect(items('LEVER_TRIGGER_CANDIDATE_HIRED', { ...withAuth, id: 'forged', data: { opportunityId: 'forged' } })[0]!.key).toBe('t'.repeat(48));
    expect(items('LEVER_TRIGGER_CANDIDATE_HIRED', { ...withAuth, token: 'u'.repeat(48) })[0]!.key).toBe('u'.repeat(48));
  });
  it('ignore a body without token', () => {
    expect(items('LEVER_TRIGGER_CANDIDATE_HIRED', candidateHired)).toEqual([]);
  });
  it('ignore other events, Lever\'s test request (data {}) and non-object bodies', () => {
    const token = { token: 't'.repeat(48) };
    expect(items('LEVER_TRIGGER_CANDIDATE_HIRED', { ...candidateStageChange, ...token })).toEqual([]);
    expect(items('LEVER_TRIGGER_CANDIDATE_HIRED', { ...candidateHired, ...token, data: {} })).toEqual([]);
    expect(items('LEVER_TRIGGER_CANDIDATE_HIRED', { ...candidateHired, ...token })).toHaveLength(1);
    expect(items('LEVER_TRIGGER_CANDIDATE_HIRED', [])).toEqual([]);
  });
  it('filter stage changes by toStageId when given', () => {
    const body = { ...candidateStageChange, token: 't'.repeat(48) };
    expect(items('LEVER_TRIGGER_CANDIDATE_STAGE_CHANGED', body)).toHaveLength(1);
    expect(items('LEVER_TRIGGER_CANDIDATE_STAGE_CHANGED', body, { toStageId: '7c2690d8-6308-4ed9-ae2a-cbfe7db26593' })).toHaveLength(1);
    expect(items('LEVER_TRIGGER_CANDIDATE_STAGE_CHANGED', body, { toStageId: 'offer' })).toEqual([]);
  });
  it('validate toStageId', () => {
    expect(validStageId('7c2690d8-6308-4ed9-ae2a-cbfe7db26593')).toBeNull();
    expect(validStageId('applicant-new')).toBeNull();
    expect(validStageId('not a stage')).toMatch(/Lever stage id/);
    expect(validStageId(42)).toMatch(/Lever stage id/);
  });
});

describe('Lever webhook registration', () => {
  const register = (status: number, body: unknown) =>
    source('LEVER_TRIGGER_CANDIDATE_HIRED').register({
      http: { request: async () => ({ status, body, headers: {} }) },
      hookUrl: 'https://example.test/hooks/s/1', secret: 'unused', params: {}, now: () => 0,
    } as never);
  const hook = { id: 'e2befaae-b830-4c21-a002-2d5019486d1a', configuration: { signatureToken: 'sig-token' } };
  it('reads the id and signatureToken from the documented {data: {data}} answer and from {data}', async () => {
    expect(await register(201, { data: { data: hook } })).toEqual({ state: { webhookId: hook.id }, secret: 'sig-token' });
    expect(await register(201, { data: hook })).toEqual({ state: { webhookId: hook.id }, secret: 'sig-token' });
  });
  it('refuses an answer without a signatureToken and maps error answers', async () => {
    await expect(register(201, { data: { id: hook.id, configuration: {} } })).rejects.toMatchObject({ kind: 'permanent' });
    await expect(register(403, { code: 'Forbidden', message: 'missing scope webhooks:write:admin' })).rejects.toMatchObject({ kind: 'permanent', message: 'Lever 403: Forbidden: missing scope webhooks:write:admin' });
  });
});

describe('leverError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it('classifies statuses and keeps Lever\'s code and message', () => {
    expect(leverError(res(401, { code: 'UnauthorizedError', message: 'Invalid token' }))).toMatchObject({ kind: 'auth', message: 'Lever 401: UnauthorizedError: Invalid token' });
    expect(leverError(res(429, {}, { 'retry-after': '7' }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(leverError(res(429, {}))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
    expect(leverError(res(503, null))).toMatchObject({ kind: 'transient', status: 503, message: 'Lever 503' });
    expect(leverError(res(404, { code: 'ResourceNotFound', message: 'stages x was not found' }))).toMatchObject({ kind: 'permanent', message: 'Lever 404: ResourceNotFound: stages x was not found' });
  });
});
