// GitLab end to end through the public API, on SQLite and PostgreSQL: subscribe → a project webhook is
// added at the fake GitLab (our per-subscription URL, a fresh secret token, TLS verified, only the needed
// event switch) → GitLab delivers an event with X-Gitlab-Token → exactly one signed delivery of the whole
// payload → GitLab's resend (same Idempotency-Key) and a duplicate with a new one add nothing → unsubscribe
// → the hook is deleted. Plus wrong and missing tokens (401, nothing stored), a path-addressed project
// whose hook is then managed by numeric id, an expired token refreshed with a rotating refresh token,
// GitLab's refusals at subscribe time, and the hourly check that adds a hook again when it was deleted or
// auto-disabled after failed deliveries (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { gitlabIntegration } from '../../src/integrations/gitlab/integration.js';
import issueOpened from '../../src/integrations/gitlab/fixtures/issue-opened.json' with { type: 'json' };
import issueClosed from '../../src/integrations/gitlab/fixtures/issue-closed.json' with { type: 'json' };
import mrOpened from '../../src/integrations/gitlab/fixtures/merge-request-opened.json' with { type: 'json' };
import mrMerged from '../../src/integrations/gitlab/fixtures/merge-request-merged.json' with { type: 'json' };
import pushFixture from '../../src/integrations/gitlab/fixtures/push.json' with { type: 'json' };
import pipelineFailed from '../../src/integrations/gitlab/fixtures/pipeline-failed.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeGitlab, type FakeGitlab, type GitlabEvent, type GitlabHook } from '../providers/gitlab.js';

const TOKEN = 'glpat-valid-token-for-tests';
const PROJECT = { projectId: 'gitlabhq/gitlab-test' };

const DELIVERIES: Record<string, { event: GitlabEvent; payload: unknown }> = {
  GITLAB_TRIGGER_ISSUE_CREATED: { event: 'Issue Hook', payload: issueOpened },
  GITLAB_TRIGGER_ISSUE_CLOSED: { event: 'Issue Hook', payload: issueClosed },
  GITLAB_TRIGGER_MERGE_REQUEST_OPENED: { event: 'Merge Request Hook', payload: mrOpened },
  GITLAB_TRIGGER_MERGE_REQUEST_MERGED: { event: 'Merge Request Hook', payload: mrMerged },
  GITLAB_TRIGGER_PUSH: { event: 'Push Hook', payload: pushFixture },
  GITLAB_TRIGGER_PIPELINE_FAILED: { event: 'Pipeline Hook', payload: pipelineFailed },
};

describe.each(DIALECTS)('GitLab end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let gl: FakeGitlab;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = PROJECT, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = PROJECT) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): GitlabHook | undefined => [...gl.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    gl = await startFakeGitlab();
    gl.validTokens.add(TOKEN);
    gl.projects.push({ id: 1, path: 'gitlabhq/gitlab-test', role: 'maintainer' }, { id: 9, path: 'acme/read-only', role: 'developer' });
    w = await startIntegrationWorld({
      dialect,
      integration: gitlabIntegration,
      config: { clientId: gl.clientId, clientSecret: gl.clientSecret, apiBaseUrl: gl.url, tokenUrl: gl.tokenUrl },
      credential: { accessToken: TOKEN, providerAccountId: '4242' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription hooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await gl.close();
  });

  it('issue created: hook added, one signed delivery of the payload, resend and duplicate deduplicated, hook deleted', async () => {
    const sub = await subscribed('GITLAB_TRIGGER_ISSUE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ projectId: 1, enable_ssl_verification: true, alert_status: 'executable' });
    expect(Object.entries(hook.flags).filter(([, on]) => on).map(([f]) => f)).toEqual(['issues_events']);
    expect(hook.token).toMatch(/^[0-9a-f]{64}$/);
    const create = gl.requests.find((r) => r.method === 'POST')!;
    expect(create).toMatchObject({ rawPath: '/api/v4/projects/gitlabhq%2Fgitlab-test/hooks', auth: `Bearer ${TOKEN}` });

    const first = await gl.deliver(hook.id, 'Issue Hook', issueOpened);
    expect(first.responses).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'gitlab', triggerType: 'GITLAB_TRIGGER_ISSUE_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: issueOpened,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // "Resend Request" keeps the Idempotency-Key; the duplicate GitLab may send after a timeout has a new one.
    expect((await gl.resend(first)).responses).toEqual([200, 200]);
    expect((await gl.deliver(hook.id, 'Issue Hook', issueOpened)).responses).toEqual([200]);
    // The same issue closed reaches this hook too (same switch): acknowledged, not this trigger's.
    expect((await gl.deliver(hook.id, 'Issue Hook', issueClosed)).responses).toEqual([200]);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(gl.hooks.size).toBe(0);
    expect(gl.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(gl.requests.at(-1)).toMatchObject({ method: 'DELETE', rawPath: `/api/v4/projects/1/hooks/${hook.id}` });
    // A delivery in flight when the subscription went away finds nothing.
    gl.hooks.set(hook.id, hook);
    expect((await gl.deliver(hook.id, 'Issue Hook', issueOpened)).responses).toEqual([404]);
  });

  it('every trigger: its own hook and switch, delivered once; other actions ignored; all hooks deleted', async () => {
    const subs = new Map<string, string>();
    for (const trigger of gitlabIntegration.triggers) subs.set(trigger.type, (await subscribed(trigger.type, { projectId: '1' })).id);
    expect(gl.hooks.size).toBe(gitlabIntegration.triggers.length);
    for (const trigger of gitlabIntegration.triggers) {
      const hook = hookFor(subs.get(trigger.type)!)!;
      const { event, payload } = DELIVERIES[trigger.type]!;
      const d = await gl.deliver(hook.id, event, payload);
      expect(d.responses, trigger.type).toEqual([200]);
      expect((await gl.resend(d)).responses.at(-1)).toBe(200);
    }
    // Closed without merging reaches the MERGED hook; a running pipeline the FAILED one: ignored.
    const closed = { ...mrMerged, object_attributes: { ...mrMerged.object_attributes, action: 'close', state: 'closed' } };
    expect((await gl.deliver(hookFor(subs.get('GITLAB_TRIGGER_MERGE_REQUEST_MERGED')!)!.id, 'Merge Request Hook', closed)).responses).toEqual([200]);
    const running = { ...pipelineFailed, object_attributes: { ...pipelineFailed.object_attributes, status: 'running', finished_at: null } };
    expect((await gl.deliver(hookFor(subs.get('GITLAB_TRIGGER_PIPELINE_FAILED')!)!.id, 'Pipeline Hook', running)).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(gitlabIntegration.triggers.length);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: unknown });
    expect(got.map((g) => g.triggerType).sort()).toEqual(gitlabIntegration.triggers.map((x) => x.type).sort());
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload).toEqual(DELIVERIES[g.triggerType]!.payload);
    }
    for (const id of subs.values()) expect((await user.delete(`${base}/trigger-subscriptions/${id}`)).body).toEqual({ success: true });
    expect(gl.hooks.size).toBe(0);
  });

  it('push with a branch: GitLab filters by it on the hook; a bad pattern is a 400 naming the parameter', async () => {
    const sub = await subscribed('GITLAB_TRIGGER_PUSH', { projectId: 'gitlabhq/gitlab-test', branch: 'release/*' });
    expect(hookFor(sub.id)).toMatchObject({ branchFilter: 'release/*', flags: { push_events: true, issues_events: false } });
    const bad = await subscribe('GITLAB_TRIGGER_PUSH', { projectId: 'gitlabhq/gitlab-test', branch: 'x'.repeat(300) });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('parameters.branch');
    const release = { ...pushFixture, ref: 'refs/heads/release/1.2' };
    expect((await gl.deliver(hookFor(sub.id)!.id, 'Push Hook', release)).responses).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ triggerType: 'GITLAB_TRIGGER_PUSH', triggerSubscriptionId: sub.id, payload: release });
  });

  it('refuses wrong, missing and foreign tokens with 401 and stores nothing', async () => {
    const sub = await subscribed('GITLAB_TRIGGER_PUSH');
    const other = await subscribed('GITLAB_TRIGGER_PUSH');
    const hook = hookFor(sub.id)!;
    expect((await gl.deliver(hook.id, 'Push Hook', pushFixture, { token: 'not-the-token' })).responses).toEqual([401]);
    expect((await gl.deliver(hook.id, 'Push Hook', pushFixture, { token: null })).responses).toEqual([401]);
    // Another subscription's token does not open this one.
    expect((await gl.deliver(hook.id, 'Push Hook', pushFixture, { token: hookFor(other.id)!.token })).responses).toEqual([401]);
    const forged = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': hook.token!.toUpperCase() }, body: JSON.stringify(pushFixture) });
    expect(forged.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refreshes an expired token once (the refresh token rotates) and adds the hook with the new one', async () => {
    gl.refreshTokens.add('refresh-1');
    const stale = await user.post(`${base}/credentials`, { integration: 'gitlab', accessToken: 'expired-token', refreshToken: 'refresh-1', providerAccountId: '4242' });
    expect(stale.status, stale.text).toBe(201);
    const r = await subscribe('GITLAB_TRIGGER_MERGE_REQUEST_OPENED', PROJECT, { 'x-paragon-credential': stale.body.id });
    expect(r.status, r.text).toBe(200);
    const refresh = gl.requests.find((q) => q.path === '/oauth/token')!;
    expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: gl.clientId, client_secret: gl.clientSecret });
    expect(gl.refreshTokens.has('refresh-1')).toBe(false);
    const stored = (await t.svc.storage.credentials.get(stale.body.id))!;
    expect(gl.refreshTokens.has(stored.secrets.refreshToken!)).toBe(true);
    const posts = gl.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/hooks'));
    expect(posts.map((q) => q.auth)).toEqual(['Bearer expired-token', `Bearer ${stored.secrets.accessToken}`]);
    expect(hookFor(r.body.id)).toBeDefined();
  });

  it('reports GitLab refusals at subscribe time and stores nothing: bad parameter, unknown project, Developer role, rate limit, 5xx, revoked token', async () => {
    const badParam = await subscribe('GITLAB_TRIGGER_ISSUE_CREATED', { projectId: '../../user' });
    expect(badParam.status).toBe(400);
    expect(badParam.body.message).toContain('parameters.projectId');
    expect((await subscribe('GITLAB_TRIGGER_ISSUE_CREATED', {})).status).toBe(400);
    const missing = await subscribe('GITLAB_TRIGGER_ISSUE_CREATED', { projectId: 'acme/nope' });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('acme/nope was not found');
    const developer = await subscribe('GITLAB_TRIGGER_ISSUE_CREATED', { projectId: 'acme/read-only' });
    expect(developer.status).toBe(422);
    expect(developer.body.message).toContain('Maintainer role');
    gl.rateLimitNext(60);
    expect((await subscribe('GITLAB_TRIGGER_ISSUE_CREATED')).status).toBe(429);
    gl.failNext(1, 502);
    expect((await subscribe('GITLAB_TRIGGER_ISSUE_CREATED')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'gitlab', accessToken: 'revoked', providerAccountId: '4242' });
    const r401 = await subscribe('GITLAB_TRIGGER_ISSUE_CREATED', PROJECT, { 'x-paragon-credential': revoked.body.id });
    expect(r401.status).toBe(422);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(gl.hooks.size).toBe(0);
    // No secret in any answer.
    expect(JSON.stringify([badParam.body, missing.body, developer.body, r401.body])).not.toContain(TOKEN);
  });

  it('checks the hook every hour: one deleted, or disabled by GitLab after failed deliveries, is added again and delivers', async () => {
    const sub = await subscribed('GITLAB_TRIGGER_PUSH');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p), metrics: t.svc.metrics });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    // Still there and executable: one GET by numeric project id, nothing else.
    const first = hookFor(sub.id)!;
    const before = gl.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(gl.requests.slice(before).map((r) => `${r.method} ${r.rawPath}`)).toEqual([`GET /api/v4/projects/1/hooks/${first.id}`]);

    // A Maintainer deleted it: a new hook with a new token; the old token no longer opens anything.
    gl.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.token).not.toBe(first.token);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret');
    expect((await gl.deliver(second.id, 'Push Hook', pushFixture, { token: first.token })).responses).toEqual([401]);
    expect((await gl.deliver(second.id, 'Push Hook', pushFixture)).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(1);

    // Four failed deliveries in a row (a 4xx each): GitLab disables the hook for good and sends nothing more.
    for (let i = 0; i < 4; i++) await gl.deliver(second.id, 'Push Hook', pushFixture, { token: 'wrong' });
    expect(second.alert_status).toBe('disabled');
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(gl.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.alert_status]).toEqual([false, 'executable']);
    expect(gl.hooks.size).toBe(1);
    expect(await logs()).toContain('the provider had disabled this webhook; removed it and registered a new one with a new secret');
    const next = { ...pushFixture, before: pushFixture.after, after: 'e83c5163316f89bfbde7d9ab23ca2e25604af290' };
    expect((await gl.deliver(third.id, 'Push Hook', next)).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('unsubscribes when the hook is already gone (404), and warns when GitLab fails the deletion', async () => {
    const gone = await subscribed('GITLAB_TRIGGER_ISSUE_CLOSED');
    gl.hooks.delete(hookFor(gone.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });
    const failing = await subscribed('GITLAB_TRIGGER_ISSUE_CLOSED');
    gl.rateLimitNext(10);
    const del = await user.delete(`${base}/trigger-subscriptions/${failing.id}`);
    expect(del.body.success).toBe(true);
    expect(del.body.warning).toContain('provider teardown failed');
  });
});
