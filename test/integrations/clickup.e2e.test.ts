// ClickUp end to end through the public API, on SQLite and PostgreSQL: connect with OAuth (token exchange at the
// fake ClickUp, account and Workspaces read) → subscribe → a webhook is created at the fake ClickUp (our
// per-subscription URL, the trigger's event, the Workspace and location) → ClickUp delivers a signed event →
// exactly one signed delivery of the webhook body → ClickUp's retry of the same event adds nothing → unsubscribe →
// the ClickUp webhook is deleted. Plus forged, tampered and unsigned requests (401, nothing stored), ClickUp's
// refusals at subscribe time, and the hourly check that re-creates a webhook ClickUp deleted or suspended (ADR 0018).
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import taskCommentPosted from '../../src/integrations/clickup/fixtures/task-comment-posted.json' with { type: 'json' };
import taskCreated from '../../src/integrations/clickup/fixtures/task-created.json' with { type: 'json' };
import taskDeleted from '../../src/integrations/clickup/fixtures/task-deleted.json' with { type: 'json' };
import taskStatusUpdated from '../../src/integrations/clickup/fixtures/task-status-updated.json' with { type: 'json' };
import { clickupIntegration } from '../../src/integrations/clickup/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeClickUp, type ClickUpHook, type FakeClickUp } from '../providers/clickup.js';

describe.each(DIALECTS)('ClickUp end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let cu: FakeClickUp;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = { teamId: '108' }, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = { teamId: '108' }) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): ClickUpHook | undefined => [...cu.hooks.values()].find((h) => h.endpoint === `${t.url}/hooks/s/${subscriptionId}`);
  /** A ClickUp body as the given webhook receives it (ClickUp puts the webhook's id in every body). */
  const forHook = <T extends object>(body: T, hook: ClickUpHook): T => ({ ...body, webhook_id: hook.id });

  beforeEach(async () => {
    cu = await startFakeClickUp();
    cu.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: clickupIntegration,
      config: { clientId: cu.clientId, clientSecret: cu.clientSecret, apiBaseUrl: cu.url, tokenUrl: cu.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: '183' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await cu.close();
  });

  it('task created: webhook created, one signed delivery of the body, ClickUp\'s retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('CLICKUP_TRIGGER_TASK_CREATED', { teamId: '108', listId: '162641062' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { teamId: '108', listId: '162641062' } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ team_id: 108, events: ['taskCreated'], list_id: 162641062, space_id: null, health: { status: 'active' } });
    expect(cu.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    const body = forHook(taskCreated, hook);
    expect((await cu.deliver(hook.id, body)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'clickup', triggerType: 'CLICKUP_TRIGGER_TASK_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: body,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // ClickUp retries the same event (same body, same signature): acknowledged, nothing new.
    expect((await cu.deliver(hook.id, body)).status).toBe(200);
    // ClickUp also sends a taskStatusUpdated for a new task; this webhook is not subscribed to it, but one reaching
    // this URL is acknowledged and ignored.
    expect((await cu.deliver(hook.id, forHook(taskStatusUpdated, hook))).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);
    expect(hook.health).toEqual({ status: 'active', fail_count: 0 });

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(cu.hooks.size).toBe(0);
    expect(cu.deletedHooks.map((x) => x.id)).toEqual([hook.id]);
    expect(cu.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhook/${hook.id}` });
    // A delivery in flight when the subscription went away finds nothing.
    cu.hooks.set(hook.id, hook);
    expect((await cu.deliver(hook.id, forHook({ ...taskCreated, task_id: 'other' }, hook))).status).toBe(404);
  });

  it('comment posted and task deleted: each delivered once to its own subscription', async () => {
    const comments = await subscribed('CLICKUP_TRIGGER_TASK_COMMENT_POSTED');
    const deletions = await subscribed('CLICKUP_TRIGGER_TASK_DELETED', { teamId: '108', spaceId: '7002367' });
    const ch = hookFor(comments.id)!;
    const dh = hookFor(deletions.id)!;
    expect([ch.events, dh.events, dh.space_id]).toEqual([['taskCommentPosted'], ['taskDeleted'], 7002367]);
    expect(ch.secret).not.toBe(dh.secret);
    for (let i = 0; i < 2; i++) {
      expect((await cu.deliver(ch.id, forHook(taskCommentPosted, ch))).status).toBe(200);
      expect((await cu.deliver(dh.id, forHook(taskDeleted, dh))).status).toBe(200);
    }
    // Another comment on the same task is another event.
    const second = { ...taskCommentPosted, history_items: [{ ...taskCommentPosted.history_items[0]!, id: '2800803631413629999', comment: { ...taskCommentPosted.history_items[0]!.comment, id: '648893999' } }] };
    expect((await cu.deliver(ch.id, forHook(second, ch))).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(3);
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
    expect(got.map((g) => [g.triggerType, g.triggerSubscriptionId, g.payload.history_items?.[0]?.comment?.id ?? g.payload.task_id]).sort()).toEqual([
      ['CLICKUP_TRIGGER_TASK_COMMENT_POSTED', comments.id, '648893191'],
      ['CLICKUP_TRIGGER_TASK_COMMENT_POSTED', comments.id, '648893999'],
      ['CLICKUP_TRIGGER_TASK_DELETED', deletions.id, '1vj37mc'],
    ]);
    expect(await events()).toHaveLength(3);
  });

  it('refuses forged, tampered and unsigned requests with 401 and stores nothing', async () => {
    const sub = await subscribed('CLICKUP_TRIGGER_TASK_STATUS_UPDATED');
    const hook = hookFor(sub.id)!;
    const body = JSON.stringify(forHook(taskStatusUpdated, hook));
    const post = (headers: Record<string, string>, payload = body) => fetch(hook.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    expect((await post({ 'x-signature': createHmac('sha256', 'not-the-secret').update(body).digest('hex') })).status).toBe(401);
    const good = createHmac('sha256', hook.secret).update(body).digest('hex');
    expect((await post({ 'x-signature': good }, body.replace('in progress', 'done'))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-signature': 'zz' })).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    // The genuine one is accepted.
    expect((await post({ 'x-signature': good })).status).toBe(200);
    await worker.drain();
    expect(await receiver.waitFor(1)).toHaveLength(1);
  });

  it('reports ClickUp refusals at subscribe time and stores nothing: bad parameters, unauthorized Workspace, several Workspaces, rate limit, 5xx, revoked token', async () => {
    const bad = await subscribe('CLICKUP_TRIGGER_TASK_CREATED', { teamId: 'acme' });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('parameters.teamId')]);
    expect((await subscribe('CLICKUP_TRIGGER_TASK_CREATED', { teamId: '108', listId: 'inbox' })).status).toBe(400);
    const unauthorized = await subscribe('CLICKUP_TRIGGER_TASK_CREATED', { teamId: '2001' });
    expect(unauthorized.status).toBe(422);
    expect(unauthorized.body.message).toContain('has not authorized ClickUp Workspace 2001');
    cu.authorizedTeams.add('2001');
    const ambiguous = await subscribe('CLICKUP_TRIGGER_TASK_CREATED', {});
    expect([ambiguous.status, ambiguous.body.message]).toEqual([422, expect.stringContaining('teamId: the connected ClickUp account authorizes 2 Workspaces')]);
    cu.rateLimitNext(Math.floor(Date.now() / 1000) + 30);
    expect((await subscribe('CLICKUP_TRIGGER_TASK_CREATED')).status).toBe(429);
    cu.failNext(1, 502);
    expect((await subscribe('CLICKUP_TRIGGER_TASK_CREATED')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'clickup', accessToken: 'revoked', providerAccountId: '183' });
    const r401 = await subscribe('CLICKUP_TRIGGER_TASK_CREATED', { teamId: '108' }, { 'x-paragon-credential': revoked.body.id });
    expect([r401.status, r401.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
    // A revoked token (not a Workspace refusal): confirmed on GET /user, the credential is marked for reconnecting.
    expect((await t.svc.storage.credentials.get(revoked.body.id))!.status).toBe('INVALID');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(cu.hooks.size).toBe(0);
    // The first credential is untouched by the refusals (a Workspace refusal is not a dead token): it still subscribes.
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('VALID');
    const ok = await subscribe('CLICKUP_TRIGGER_TASK_CREATED', { teamId: '108' }, { 'x-paragon-credential': credentialId });
    expect(ok.status, ok.text).toBe(200);
    expect(hookFor(ok.body.id)).toBeDefined();
  });

  it('checks the webhook every hour: one ClickUp deleted, or suspended after our URL answered 401, is created again and delivers', async () => {
    const sub = await subscribed('CLICKUP_TRIGGER_TASK_STATUS_UPDATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    // Still there (and merely failing counts as there): one GET of the Workspace's webhooks, nothing else.
    const first = hookFor(sub.id)!;
    first.health = { status: 'failing', fail_count: 3 };
    const before = cu.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(cu.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /team/108/webhook']);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.renewAt! - Date.now()).toBeGreaterThan(55 * 60_000);

    // The user deleted it in ClickUp: a new one, with a new secret chosen by ClickUp.
    cu.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.secret).not.toBe(first.secret);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret');
    expect((await cu.deliver(second.id, forHook(taskStatusUpdated, second), { secret: first.secret })).status).toBe(401);
    // ClickUp suspends a webhook at once when the URL answers 401 (Webhook health status): nothing more is sent.
    expect(second.health.status).toBe('suspended');
    await expect(cu.deliver(second.id, forHook(taskStatusUpdated, second))).rejects.toThrow(/suspended/);

    // The hourly check finds it suspended: it is deleted first, then a new one created that delivers again.
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.health.status]).toEqual([false, 'active']);
    expect(cu.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect(cu.hooks.size).toBe(1);
    expect(await logs()).toContain('the provider had disabled this webhook; removed it and registered a new one with a new secret');
    expect((await cu.deliver(third.id, forHook(taskStatusUpdated, third))).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('connects with OAuth: code exchanged at the token endpoint, the user and Workspaces read, a token that never expires', async () => {
    const start = await user.post(`${base}/connect/clickup`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe('https://app.clickup.com/api');
    expect(authorize.searchParams.get('client_id')).toBe(cu.clientId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${t.url}/oauth/callback`);
    expect(authorize.searchParams.has('scope')).toBe(false);
    expect(authorize.searchParams.has('code_challenge')).toBe(false);

    cu.codes.add('clickup-code-1');
    const cb = await t.admin.get(`/oauth/callback?code=clickup-code-1&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    const id = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    const exchange = cu.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.contentType).toBe('application/json');
    expect(exchange.body).toMatchObject({ client_id: cu.clientId, client_secret: cu.clientSecret, code: 'clickup-code-1' });
    const stored = (await t.svc.storage.credentials.get(id))!;
    // The same ClickUp user as the API-given credential: reconnecting refreshes that credential in place.
    expect(id).toBe(credentialId);
    expect(stored).toMatchObject({ providerAccountId: '183', expiresAt: null, status: 'VALID' });
    expect(stored.secrets.extra).toEqual({ userId: '183', teamIds: ['108'] });
    expect(stored.secrets.refreshToken).toBeUndefined();
    expect(cu.validTokens.has(stored.secrets.accessToken!)).toBe(true);
    // The connected token works: without teamId, the one authorized Workspace is used.
    const sub = await subscribed('CLICKUP_TRIGGER_TASK_CREATED', {});
    expect(hookFor(sub.id)).toMatchObject({ team_id: 108 });
    expect(cu.requests.filter((r) => r.path === '/team/108/webhook').at(-1)!.auth).toBe(`Bearer ${stored.secrets.accessToken}`);
  });
});
