// Vercel, unit level: the signature scheme against an independent HMAC-SHA1 of the raw body, the triggers' mapping
// of Vercel's documented bodies (keys are the event id, so a retry maps to the same key; other types and other
// projects give nothing), parameter validation naming the field, and the error mapping (401 / invalid-token 403
// auth, 429 until error.limit resets, 5xx transient, else permanent with Vercel's code and message, no secrets).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { vercelError } from '../../src/integrations/vercel/api.js';
import { deploymentCreated, deploymentError, deploymentSucceeded, otherProjectDeploymentCreated, projectCreated } from '../../src/integrations/vercel/fixtures/events.js';
import { vercelIntegration, vercelSignatureScheme } from '../../src/integrations/vercel/integration.js';
import { projectIdsOf, teamQuery } from '../../src/integrations/vercel/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const trigger = (type: string) => vercelIntegration.triggers.find((t) => t.type === type)!;
const source = (type: string) => trigger(type).source as WebhookSource<Record<string, unknown>>;
const inbound = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown, params: Record<string, unknown> = {}) => source(type).toItems(inbound(body), { params, state: {} } as never) as Item[];

describe('Vercel signature scheme', () => {
  const secret = 'Xq3vP9sLk2mN8rT4wY6zA1bC';
  it('verifies hex(HMAC-SHA1(secret, raw body)) and refuses tampering, another secret and a missing header', () => {
    expect(schemeProblems(vercelSignatureScheme)).toEqual([]);
    const raw = JSON.stringify(deploymentCreated);
    const sig = createHmac('sha1', secret).update(raw).digest('hex');
    const req = (h: string | undefined, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: h === undefined ? {} : { 'x-vercel-signature': h }, rawBody: Buffer.from(body), body: JSON.parse(body) });
    expect(verifyRequest(vercelSignatureScheme, req(sig), { secret }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(vercelSignatureScheme, req(sig, `${raw} `), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(vercelSignatureScheme, req(sig), { secret: 'other-secret' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(vercelSignatureScheme, req(undefined), { secret }, Date.now()).ok).toBe(false);
  });
});

describe('Vercel triggers', () => {
  it('map each body to one item keyed by the event id, with createdAt as the time', () => {
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_CREATED', deploymentCreated)).toEqual([{ key: 'uCQHmoWnGJLtnVz3QbTLRHqA', payload: deploymentCreated, occurredAt: 1733616000123 }]);
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_SUCCEEDED', deploymentSucceeded).map((i) => i.key)).toEqual(['Hf7Ys9RDt2vkqFm4bNa1cWxZ']);
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_FAILED', deploymentError).map((i) => i.key)).toEqual(['Qp3LmX8vRt6nKb2cJd9wFsYe']);
    expect(items('VERCEL_TRIGGER_PROJECT_CREATED', projectCreated).map((i) => i.key)).toEqual(['Lk8Jh7Gf6Ds5Aq4Zx3Cv2Bn1']);
    expect(items('VERCEL_TRIGGER_PROJECT_CREATED', projectCreated, { teamId: 'team_1a2b3c4d5e6f7g8h9i0j' })).toHaveLength(1);
  });
  it('ignore other event types, bodies without an id, and another project\'s deployments when a project is set', () => {
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_CREATED', deploymentSucceeded)).toEqual([]);
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_FAILED', deploymentCreated)).toEqual([]);
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_CREATED', { ...deploymentCreated, id: '' })).toEqual([]);
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_CREATED', [])).toEqual([]);
    const only = { projectId: 'prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB' };
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_CREATED', deploymentCreated, only)).toHaveLength(1);
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_CREATED', otherProjectDeploymentCreated, only)).toEqual([]);
    expect(items('VERCEL_TRIGGER_DEPLOYMENT_CREATED', otherProjectDeploymentCreated)).toHaveLength(1);
  });
  it('declare teamId on every trigger and projectId on deployment triggers, validated with a message', () => {
    for (const t of vercelIntegration.triggers) {
      const ids = t.parameters.map((p) => p.id);
      expect(ids).toEqual(t.type === 'VERCEL_TRIGGER_PROJECT_CREATED' ? ['teamId'] : ['teamId', 'projectId']);
    }
    const [team, project] = trigger('VERCEL_TRIGGER_DEPLOYMENT_CREATED').parameters;
    expect(team!.validate!('team_1a2b3c4d5e6f7g8h9i0j')).toBeNull();
    expect(team!.validate!('acme')).toMatch(/team id/);
    expect(project!.validate!('prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB')).toBeNull();
    expect(project!.validate!('my-site')).toMatch(/project id/);
    expect(teamQuery({})).toEqual({});
    expect(teamQuery({ teamId: 'team_abc' })).toEqual({ teamId: 'team_abc' });
    expect(() => teamQuery({ teamId: 'team_a/../b' })).toThrow(/^teamId:/);
    expect(projectIdsOf({ projectId: 'prj_abc' })).toEqual(['prj_abc']);
    expect(() => projectIdsOf({ projectId: 'x' })).toThrow(/^projectId:/);
  });
});

describe('vercelError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  const now = 1_700_000_000_000;
  it('classifies statuses and keeps Vercel\'s code and message', () => {
    expect(vercelError(res(401, { error: { code: 'unauthorized', message: 'Unauthorized' } }), now)).toMatchObject({ kind: 'auth' });
    expect(vercelError(res(403, { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } }), now)).toMatchObject({ kind: 'auth', message: 'Vercel 403 forbidden: Not authorized' });
    expect(vercelError(res(403, { error: { code: 'forbidden', message: 'Not a member of this team' } }), now)).toMatchObject({ kind: 'permanent', status: 403 });
    expect(vercelError(res(429, { error: { code: 'rate_limited', message: 'Rate limit exceeded', limit: { remaining: 0, reset: 1_700_000_012, resetMs: 1_700_000_012_500, total: 60 } } }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 12_500 });
    expect(vercelError(res(429, { error: { code: 'rate_limited', message: 'x' } }, { 'retry-after': '7' }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(vercelError(res(429, {}), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(vercelError(res(503, null), now)).toMatchObject({ kind: 'transient', status: 503 });
    expect(vercelError(res(400, { error: { code: 'bad_request', message: 'Invalid request: `url` should match pattern' } }), now)).toMatchObject({ kind: 'permanent', message: 'Vercel 400 bad_request: Invalid request: `url` should match pattern' });
  });
});
