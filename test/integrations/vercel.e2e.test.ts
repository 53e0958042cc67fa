// Vercel end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook at the fake Vercel (our
// per-subscription URL, the trigger's one event, the project filter and the team scope; the token as Bearer) and
// its secret stored → a signed event → one delivery of the webhook body → Vercel's retry of the same event adds
// nothing → unsubscribe deletes the webhook (in its team). Plus bad signatures (401, nothing stored), parameter
// and provider refusals at subscribe time, and the hourly check re-creating a webhook deleted at Vercel.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { deploymentCreated, deploymentError, deploymentSucceeded, otherProjectDeploymentCreated, projectCreated } from '../../src/integrations/vercel/fixtures/events.js';
import { vercelIntegration } from '../../src/integrations/vercel/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeVercel, type FakeVercel, type VercelHook } from '../providers/vercel.js';

const TEAM = 'team_1a2b3c4d5e6f7g8h9i0j';
const PROJECT = 'prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB';

describe.each(DIALECTS)('Vercel end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let vc: FakeVercel;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): VercelHook | undefined => [...vc.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    vc = await startFakeVercel();
    w = await startIntegrationWorld({
      dialect,
      integration: vercelIntegration,
      config: { apiBaseUrl: vc.apiBaseUrl },
      credential: { apiKey: vc.token, providerAccountId: vc.userId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await vc.close();
  });

  it('deployment created in one project of a team: webhook created there with its secret stored, one delivery, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('VERCEL_TRIGGER_DEPLOYMENT_CREATED', { teamId: TEAM, projectId: PROJECT });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { teamId: TEAM, projectId: PROJECT } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ events: ['deployment.created'], projectIds: [PROJECT], teamId: TEAM });
    const post = vc.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/v1/webhooks', query: { teamId: TEAM }, auth: `Bearer ${vc.token}` });
    expect(post.body).toEqual({ url: `${t.url}/hooks/s/${sub.id}`, events: ['deployment.created'], projectIds: [PROJECT] });
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(hook.id);

    expect((await vc.deliver(hook.id, deploymentCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'vercel', triggerType: 'VERCEL_TRIGGER_DEPLOYMENT_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: deploymentCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Vercel retries the same event (our answer was lost): acknowledged, nothing new. Another event type or
    // another project's deployment reaching this URL is acknowledged and ignored.
    expect((await vc.deliver(hook.id, deploymentCreated)).status).toBe(200);
    expect((await vc.deliver(hook.id, deploymentSucceeded)).status).toBe(200);
    expect((await vc.deliver(hook.id, otherProjectDeploymentCreated)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(vc.hooks.size).toBe(0);
    expect(vc.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(vc.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/webhooks/${hook.id}`, query: { teamId: TEAM } });
  });

  it('deployment succeeded, deployment failed and project created on the personal scope: one webhook each, each delivering its own event', async () => {
    const ok = await subscribed('VERCEL_TRIGGER_DEPLOYMENT_SUCCEEDED');
    const failed = await subscribed('VERCEL_TRIGGER_DEPLOYMENT_FAILED');
    const created = await subscribed('VERCEL_TRIGGER_PROJECT_CREATED');
    expect(vc.requests.filter((r) => r.method === 'POST').map((r) => [r.query, r.body.events, r.body.projectIds])).toEqual([
      [{}, ['deployment.succeeded'], undefined],
      [{}, ['deployment.error'], undefined],
      [{}, ['project.created'], undefined],
    ]);
    expect((await vc.deliver(hookFor(ok.id)!.id, deploymentSucceeded)).status).toBe(200);
    expect((await vc.deliver(hookFor(failed.id)!.id, deploymentError)).status).toBe(200);
    expect((await vc.deliver(hookFor(created.id)!.id, projectCreated)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(3);
    const bySub = Object.fromEntries(sent.map((r) => [(r.json as any).triggerSubscriptionId, (r.json as any).payload.id]));
    expect(bySub).toEqual({ [ok.id]: deploymentSucceeded.id, [failed.id]: deploymentError.id, [created.id]: projectCreated.id });
  });

  it('refuses a bad signature, another webhook\'s secret and a missing header with 401, storing nothing', async () => {
    const sub = await subscribed('VERCEL_TRIGGER_PROJECT_CREATED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('VERCEL_TRIGGER_PROJECT_CREATED')).id)!;
    expect((await vc.deliver(hook.id, projectCreated, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await vc.deliver(hook.id, projectCreated, { secret: other.secret })).status).toBe(401);
    expect((await vc.deliver(hook.id, projectCreated, { headers: { 'x-vercel-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses bad parameters naming the field, maps Vercel errors at subscribe time, and stores nothing', async () => {
    const badTeam = await w.subscribe('VERCEL_TRIGGER_DEPLOYMENT_CREATED', { teamId: 'acme' });
    expect([badTeam.status, badTeam.body.message]).toEqual([400, expect.stringContaining('parameters.teamId')]);
    const badProject = await w.subscribe('VERCEL_TRIGGER_DEPLOYMENT_CREATED', { projectId: 'my-site' });
    expect([badProject.status, badProject.body.message]).toEqual([400, expect.stringContaining('parameters.projectId')]);
    const projectOnProjectCreated = await w.subscribe('VERCEL_TRIGGER_PROJECT_CREATED', { projectId: PROJECT });
    expect([projectOnProjectCreated.status, projectOnProjectCreated.body.message]).toEqual([400, expect.stringContaining('parameters.projectId')]);
    expect(vc.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    const notMember = await w.subscribe('VERCEL_TRIGGER_DEPLOYMENT_CREATED', { teamId: 'team_NotMine0000000000000' });
    expect(notMember.status).toBe(422);
    expect(notMember.body.message).toContain('permission to access this team');
    vc.failNext(1, 400, { error: { code: 'bad_request', message: 'Invalid request: `url` should match pattern "^https?://".' } });
    const r400 = await w.subscribe('VERCEL_TRIGGER_DEPLOYMENT_CREATED', {});
    expect([r400.status, r400.body.message]).toEqual([422, expect.stringContaining('should match pattern')]);
    vc.failNext(1, 429, { error: { code: 'rate_limited', message: 'Rate limit exceeded', limit: { remaining: 0, reset: Math.floor(Date.now() / 1000) + 5, resetMs: Date.now() + 5000, total: 60 } } });
    expect((await w.subscribe('VERCEL_TRIGGER_DEPLOYMENT_CREATED', {})).status).toBe(429);
    vc.failNext(1, 503);
    expect((await w.subscribe('VERCEL_TRIGGER_DEPLOYMENT_CREATED', {})).status).toBe(502);
    vc.failNext(1, 403, { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } });
    const r403 = await w.subscribe('VERCEL_TRIGGER_DEPLOYMENT_CREATED', {});
    expect(r403.status).toBeGreaterThanOrEqual(400);
    expect(r403.text).not.toContain(vc.token);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(vc.hooks.size).toBe(0);
  });

  it('checks the webhook every hour in its team: one deleted at Vercel is created again with a new secret and delivers', async () => {
    const sub = await subscribed('VERCEL_TRIGGER_DEPLOYMENT_FAILED', { teamId: TEAM });
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = vc.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(vc.requests.slice(before).map((r) => [r.method, r.path, r.query])).toEqual([['GET', `/v1/webhooks/${first.id}`, { teamId: TEAM }]]);

    vc.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.secret === first.secret, second.teamId]).toEqual([false, false, TEAM]);

    // The old secret no longer verifies; the new one does.
    expect((await vc.deliver(second.id, deploymentError, { secret: first.secret })).status).toBe(401);
    expect((await vc.deliver(second.id, deploymentError)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
