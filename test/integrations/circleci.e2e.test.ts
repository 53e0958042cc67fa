// CircleCI end to end through the public API, on SQLite and PostgreSQL: subscribe → the project slug resolved
// (GET /project/{slug}) → a webhook at the fake CircleCI (our per-subscription URL, the trigger's one event,
// verify-tls, our signing secret, the project scope; the token in Circle-Token) → a signed event → one delivery of
// the webhook body → CircleCI's repeat of the same event adds nothing → unsubscribe deletes the webhook. Plus bad
// signatures (401, nothing stored), status filters, parameter and provider refusals at subscribe time, and the
// hourly check re-creating a webhook deleted at CircleCI.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { PROJECT_ID, jobCompleted, jobFailed, workflowCompleted, workflowFailed } from '../../src/integrations/circleci/fixtures/events.js';
import { circleciIntegration } from '../../src/integrations/circleci/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeCircleci, type CircleciHook, type FakeCircleci } from '../providers/circleci.js';

describe.each(DIALECTS)('CircleCI end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let cc: FakeCircleci;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown>) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): CircleciHook | undefined => [...cc.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    cc = await startFakeCircleci();
    w = await startIntegrationWorld({
      dialect,
      integration: circleciIntegration,
      config: { apiBaseUrl: cc.apiBaseUrl },
      credential: { apiKey: cc.token, providerAccountId: cc.userId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await cc.close();
  });

  it('workflow completed on a project slug: slug resolved, webhook created with our secret, one delivery, repeat deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { project: 'gh/circleci/webhook-service' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { project: 'gh/circleci/webhook-service' } });
    expect(cc.requests.map((r) => [r.method, r.path, r.auth])).toEqual([
      ['GET', '/project/gh/circleci/webhook-service', cc.token],
      ['POST', '/webhook', cc.token],
    ]);
    const hook = hookFor(sub.id)!;
    expect(cc.requests[1]!.body).toEqual({
      name: 'OpenTriggers workflow-completed',
      url: `${t.url}/hooks/s/${sub.id}`,
      events: ['workflow-completed'],
      'verify-tls': true,
      'signing-secret': hook.signingSecret,
      scope: { id: PROJECT_ID, type: 'project' },
    });
    expect(hook.signingSecret.length).toBeGreaterThanOrEqual(16);
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(hook.id);

    expect((await cc.deliver(hook.id, workflowCompleted)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'circleci', triggerType: 'CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: workflowCompleted,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // CircleCI repeats the same event (duplicates are documented): acknowledged, nothing new. A job event
    // reaching this URL is acknowledged and ignored.
    expect((await cc.deliver(hook.id, workflowCompleted)).status).toBe(200);
    expect((await cc.deliver(hook.id, jobCompleted)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cc.hooks.size).toBe(0);
    expect(cc.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(cc.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhook/${hook.id}` });
  });

  it('workflow failed, job completed and job failed on a project id: one webhook each, status filters applied', async () => {
    const wfFailed = await subscribed('CIRCLECI_TRIGGER_WORKFLOW_FAILED', { project: PROJECT_ID });
    const job = await subscribed('CIRCLECI_TRIGGER_JOB_COMPLETED', { project: PROJECT_ID, branch: 'main' });
    const jobFail = await subscribed('CIRCLECI_TRIGGER_JOB_FAILED', { project: PROJECT_ID });
    expect(cc.requests.filter((r) => r.path.startsWith('/project/'))).toEqual([]);
    expect(cc.requests.map((r) => [r.body.events, r.body.scope?.id])).toEqual([
      [['workflow-completed'], PROJECT_ID],
      [['job-completed'], PROJECT_ID],
      [['job-completed'], PROJECT_ID],
    ]);
    expect((await cc.deliver(hookFor(wfFailed.id)!.id, workflowCompleted)).status).toBe(200);
    expect((await cc.deliver(hookFor(wfFailed.id)!.id, workflowFailed)).status).toBe(200);
    expect((await cc.deliver(hookFor(job.id)!.id, jobCompleted)).status).toBe(200);
    expect((await cc.deliver(hookFor(jobFail.id)!.id, jobCompleted)).status).toBe(200);
    expect((await cc.deliver(hookFor(jobFail.id)!.id, jobFailed)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(3);
    const bySub = Object.fromEntries(sent.map((r) => [(r.json as any).triggerSubscriptionId, (r.json as any).payload.id]));
    expect(bySub).toEqual({ [wfFailed.id]: workflowFailed.id, [job.id]: jobCompleted.id, [jobFail.id]: jobFailed.id });
    expect(await w.events()).toHaveLength(3);
  });

  it('refuses a bad signature, another webhook\'s secret, another signature version and a missing header with 401, storing nothing', async () => {
    const hook = hookFor((await subscribed('CIRCLECI_TRIGGER_JOB_COMPLETED', { project: PROJECT_ID })).id)!;
    const other = hookFor((await subscribed('CIRCLECI_TRIGGER_JOB_COMPLETED', { project: PROJECT_ID })).id)!;
    expect(other.signingSecret).not.toBe(hook.signingSecret);
    expect((await cc.deliver(hook.id, jobCompleted, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await cc.deliver(hook.id, jobCompleted, { secret: other.signingSecret })).status).toBe(401);
    const good = cc.sign(hook.signingSecret, JSON.stringify(jobCompleted));
    expect((await cc.deliver(hook.id, jobCompleted, { headers: { 'circleci-signature': `v2=${good}` } })).status).toBe(401);
    expect((await cc.deliver(hook.id, jobCompleted, { headers: { 'circleci-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    // A list of versioned signatures with a valid v1 is accepted.
    expect((await cc.deliver(hook.id, jobCompleted, { headers: { 'circleci-signature': `v1=${good},v2=0123` } })).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('refuses bad parameters naming the field, maps CircleCI errors at subscribe time, and stores nothing', async () => {
    const bad = await w.subscribe('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { project: 'acme/web-app' });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('parameters.project')]);
    const none = await w.subscribe('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', {});
    expect([none.status, none.body.message]).toEqual([400, expect.stringContaining('parameters.project')]);
    const badBranch = await w.subscribe('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { project: PROJECT_ID, branch: 'a b' });
    expect([badBranch.status, badBranch.body.message]).toEqual([400, expect.stringContaining('parameters.branch')]);
    expect(cc.requests).toHaveLength(0);

    const unknown = await w.subscribe('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { project: 'gh/acme/not-mine' });
    expect([unknown.status, unknown.body.message]).toEqual([422, expect.stringContaining('Project not found')]);
    const unknownId = await w.subscribe('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { project: '00000000-0000-4000-8000-000000000000' });
    expect([unknownId.status, unknownId.body.message]).toEqual([422, expect.stringContaining('Project not found')]);
    cc.failNext(1, 429, { message: 'Too many requests' }, { 'retry-after': '5' });
    expect((await w.subscribe('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { project: PROJECT_ID })).status).toBe(429);
    cc.failNext(1, 503);
    expect((await w.subscribe('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { project: PROJECT_ID })).status).toBe(502);
    cc.failNext(1, 401, { message: 'You must log in first.' });
    const r401 = await w.subscribe('CIRCLECI_TRIGGER_WORKFLOW_COMPLETED', { project: PROJECT_ID });
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(cc.token);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(cc.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted at CircleCI is created again with a new secret and delivers', async () => {
    const sub = await subscribed('CIRCLECI_TRIGGER_WORKFLOW_FAILED', { project: 'gh/circleci/webhook-service' });
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = cc.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(cc.requests.slice(before).map((r) => [r.method, r.path])).toEqual([['GET', `/webhook/${first.id}`]]);

    cc.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.scope.id]).toEqual([false, PROJECT_ID]);

    // Whatever secret the re-created webhook carries, only it verifies.
    if (second.signingSecret !== first.signingSecret) expect((await cc.deliver(second.id, workflowFailed, { secret: first.signingSecret })).status).toBe(401);
    expect((await cc.deliver(second.id, workflowFailed)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
