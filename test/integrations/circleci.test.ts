// CircleCI, unit level: the signature scheme against CircleCI's own published examples and an independent
// HMAC-SHA256 (v1 entries of a comma-separated list only), the triggers' mapping of CircleCI's documented bodies
// (keys are the event id, so a retry maps to the same key; other events, statuses, projects and branches give
// nothing), parameter validation, and the error mapping (401 auth, 429 with Retry-After or 60 s, 5xx transient,
// else permanent with CircleCI's message).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { circleciError } from '../../src/integrations/circleci/api.js';
import { PROJECT_ID, jobCompleted, jobFailed, workflowCompleted, workflowFailed, workflowOnFeatureBranch } from '../../src/integrations/circleci/fixtures/events.js';
import { circleciIntegration, circleciSignatureScheme } from '../../src/integrations/circleci/integration.js';
import { branchOf, projectOf } from '../../src/integrations/circleci/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const trigger = (type: string) => circleciIntegration.triggers.find((t) => t.type === type)!;
const source = (type: string) => trigger(type).source as WebhookSource<Record<string, unknown>>;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown, params: Record<string, unknown> = {}, state: Record<string, unknown> = { projectId: PROJECT_ID }) =>
  source(type).toItems(inbound(body), { params, state } as never) as Item[];
const req = (header: string | undefined, body: string): InboundRequest => ({
  method: 'POST', url: '/', headers: header === undefined ? {} : { 'circleci-signature': header }, rawBody: Buffer.from(body), body,
});
const verify = (header: string | undefined, body: string, secret: string) => verifyRequest(circleciSignatureScheme, req(header, body), { secret }, Date.now());

describe('CircleCI signature scheme', () => {
  it('matches the examples CircleCI publishes (https://circleci.com/docs/webhooks/#validate-webhooks)', () => {
    expect(schemeProblems(circleciSignatureScheme)).toEqual([]);
    expect(verify('v1=734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a', 'hello world', 'secret')).toEqual({ ok: true });
    expect(verify('v1=daa220016c8f29a8b214fbfc3671aeec2145cfb1e6790184ffb38b6d0425fa00', 'lalala', 'another-secret')).toEqual({ ok: true });
    expect(verify('v1=9be2242094a9a8c00c64306f382a7f9d691de910b4a266f67bd314ef18ac49fa', 'an-important-request-payload', 'hunter123')).toEqual({ ok: true });
    expect(verify('v1=773ba44693c7553d6ee20f61ea5d2757a9a4f4a44d2841ae4e95b52e4cd62db4', 'foo', 'secret')).toEqual({ ok: true });
    expect(verify('v1=not-a-valid-signature', 'foo', 'secret').ok).toBe(false);
  });
  it('verifies hex(HMAC-SHA256(secret, raw body)) among versioned entries, and refuses tampering, another secret, other versions and no header', () => {
    const secret = 'b1c9f0e4a7d24c6f8e3a5b7d9c1e2f40';
    const raw = JSON.stringify(workflowCompleted);
    const sig = createHmac('sha256', secret).update(raw).digest('hex');
    expect(verify(`v1=${sig}`, raw, secret)).toEqual({ ok: true });
    expect(verify(`v1=${sig},v2=abcdef`, raw, secret)).toEqual({ ok: true });
    expect(verify(`v1=${sig}`, `${raw} `, secret).ok).toBe(false);
    expect(verify(`v1=${sig}`, raw, 'other-secret').ok).toBe(false);
    expect(verify(`v2=${sig}`, raw, secret).ok).toBe(false);
    expect(verify(sig, raw, secret).ok).toBe(false);
    expect(verify(undefined, raw, secret).ok).toBe(false);
  });
});

describe('CircleCI triggers', () => {
  it('map each body to one item keyed by the event id, with happened_at as the time', () => {
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', workflowCompleted)).toEqual([{ key: workflowCompleted.id, payload: workflowCompleted, occurredAt: Date.parse('2021-09-01T22:49:34.317Z') }]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', workflowFailed).map((i) => i.key)).toEqual([workflowFailed.id]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_FAILED', workflowFailed).map((i) => i.key)).toEqual([workflowFailed.id]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_FAILED', { ...workflowFailed, workflow: { ...workflowFailed.workflow, status: 'error' } })).toHaveLength(1);
    expect(items('CIRCLECI_TRIGGER_JOB_COMPLETED', jobCompleted).map((i) => i.key)).toEqual([jobCompleted.id]);
    expect(items('CIRCLECI_TRIGGER_JOB_COMPLETED', jobFailed)).toHaveLength(1);
    expect(items('CIRCLECI_TRIGGER_JOB_FAILED', jobFailed).map((i) => i.key)).toEqual([jobFailed.id]);
  });
  it('ignore other events and statuses, bodies without an id, another project and another branch', () => {
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', jobCompleted)).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_JOB_COMPLETED', workflowCompleted)).toEqual([]);
    // CircleCI's GitLab sample of job-completed says type workflow-completed: the job map decides.
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { ...jobCompleted, type: 'workflow-completed' })).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_JOB_COMPLETED', { ...jobCompleted, type: 'workflow-completed' })).toHaveLength(1);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_FAILED', workflowCompleted)).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_FAILED', { ...workflowFailed, workflow: { ...workflowFailed.workflow, status: 'canceled' } })).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_JOB_FAILED', jobCompleted)).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { ...workflowCompleted, id: '' })).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', [])).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', workflowCompleted, {}, { projectId: '2a68fe5f-2fe5-4d4f-91e1-15f111116743' })).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', workflowCompleted, { branch: 'main' })).toHaveLength(1);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', workflowOnFeatureBranch, { branch: 'main' })).toEqual([]);
    expect(items('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', workflowOnFeatureBranch, { branch: 'feature/login' })).toHaveLength(1);
    expect(branchOf(workflowCompleted)).toBe('main');
  });
  it('declare project (required) and branch on every trigger, validated with a message', () => {
    expect(circleciIntegration.triggers.map((t) => t.type)).toEqual(['CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', 'CIRCLECI_TRIGGER_WORKFLOW_FAILED', 'CIRCLECI_TRIGGER_JOB_COMPLETED', 'CIRCLECI_TRIGGER_JOB_FAILED']);
    for (const t of circleciIntegration.triggers) expect(t.parameters.map((p) => [p.id, p.required])).toEqual([['project', true], ['branch', false]]);
    const [project, branch] = trigger('CIRCLECI_TRIGGER_JOB_FAILED').parameters;
    expect(project!.validate!(PROJECT_ID)).toBeNull();
    expect(project!.validate!('gh/acme/web-app')).toBeNull();
    expect(project!.validate!('circleci/DdaVtNusHqi24D4YT3X4eu/6EkDPZoN4ZdMKKZtBkRodt')).toBeNull();
    expect(project!.validate!('acme/web-app')).toMatch(/project id/);
    expect(project!.validate!('gh/acme/../x/y')).toMatch(/project id/);
    expect(branch!.validate!('release/1.2')).toBeNull();
    expect(branch!.validate!('bad branch')).toMatch(/branch/);
    expect(projectOf({ project: PROJECT_ID.toUpperCase() })).toEqual({ id: PROJECT_ID });
    expect(projectOf({ project: 'gh/acme/web-app' })).toEqual({ slug: 'gh/acme/web-app' });
    expect(() => projectOf({})).toThrow(/^project:/);
  });
});

describe('circleciError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  const now = 1_700_000_000_000;
  it('classifies statuses and keeps CircleCI\'s message', () => {
    expect(circleciError(res(401, { message: 'You must log in first.' }), now)).toMatchObject({ kind: 'auth', message: 'CircleCI 401: You must log in first.' });
    expect(circleciError(res(404, { message: 'Project not found' }), now)).toMatchObject({ kind: 'permanent', status: 404, message: 'CircleCI 404: Project not found' });
    expect(circleciError(res(429, { message: 'Too many requests' }, { 'retry-after': '7' }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(circleciError(res(429, null), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(circleciError(res(503, null), now)).toMatchObject({ kind: 'transient', status: 503, message: 'CircleCI 503' });
    expect(circleciError(res(400, { message: 'Projects are limited to 5 outbound webhooks' }), now)).toMatchObject({ kind: 'permanent' });
  });
});

describe('CircleCI account', () => {
  const http = (status: number, body: unknown) => ({ request: async (r: { path: string }) => ({ status, body, headers: {}, path: r.path }) });
  it('is the token\'s user from GET /me, with the login kept', async () => {
    const calls: string[] = [];
    const ok = { request: async (r: { path: string }) => (calls.push(r.path), { status: 200, body: { id: '6a19122c-40e0-4d56-a875-aac6ccc27700', login: 'ada', name: 'Ada' }, headers: {} }) };
    expect(await circleciIntegration.accountId!({ http: ok, token: { accessToken: 't' }, callbackParams: {} } as never)).toEqual({ providerAccountId: '6a19122c-40e0-4d56-a875-aac6ccc27700', extra: { login: 'ada' } });
    expect(calls).toEqual(['/me']);
    await expect(circleciIntegration.accountId!({ http: http(401, { message: 'You must log in first.' }), token: { accessToken: 't' }, callbackParams: {} } as never)).rejects.toMatchObject({ kind: 'auth' });
    await expect(circleciIntegration.accountId!({ http: http(200, {}), token: { accessToken: 't' }, callbackParams: {} } as never)).rejects.toMatchObject({ kind: 'permanent' });
  });
});
