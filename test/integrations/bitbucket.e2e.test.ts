// Bitbucket Cloud end to end through the public API, on SQLite and PostgreSQL: subscribe → a repository
// webhook is added at the fake Bitbucket (our per-subscription URL, a fresh secret, active, only the needed
// event) → Bitbucket delivers an event signed with X-Hub-Signature → exactly one signed delivery of the whole
// payload → a manual resend and the same event sent again add nothing → unsubscribe → the hook is deleted.
// Plus forged and missing signatures (401, nothing stored), the push branch filter, an expired token refreshed
// with Basic client auth, Bitbucket's refusals at subscribe time (401, 403, 404, 429, 5xx), and the hourly
// check that adds a hook again when it was deleted or deactivated.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { bitbucketIntegration } from '../../src/integrations/bitbucket/integration.js';
import pushFixture from '../../src/integrations/bitbucket/fixtures/repo-push.json' with { type: 'json' };
import prCreated from '../../src/integrations/bitbucket/fixtures/pullrequest-created.json' with { type: 'json' };
import prFulfilled from '../../src/integrations/bitbucket/fixtures/pullrequest-fulfilled.json' with { type: 'json' };
import prComment from '../../src/integrations/bitbucket/fixtures/pullrequest-comment-created.json' with { type: 'json' };
import issueCreated from '../../src/integrations/bitbucket/fixtures/issue-created.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeBitbucket, type BitbucketHook, type FakeBitbucket } from '../providers/bitbucket.js';

const TOKEN = 'bb-valid-token-for-tests';
const REPO = { workspace: 'atlassian', repoSlug: 'atlassian-docs' };

const DELIVERIES: Record<string, { event: string; payload: unknown }> = {
  BITBUCKET_TRIGGER_PUSH: { event: 'repo:push', payload: pushFixture },
  BITBUCKET_TRIGGER_PULL_REQUEST_CREATED: { event: 'pullrequest:created', payload: prCreated },
  BITBUCKET_TRIGGER_PULL_REQUEST_MERGED: { event: 'pullrequest:fulfilled', payload: prFulfilled },
  BITBUCKET_TRIGGER_PULL_REQUEST_COMMENT_CREATED: { event: 'pullrequest:comment_created', payload: prComment },
  BITBUCKET_TRIGGER_ISSUE_CREATED: { event: 'issue:created', payload: issueCreated },
};

describe.each(DIALECTS)('Bitbucket end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let bb: FakeBitbucket;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = REPO, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = REPO) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): BitbucketHook | undefined => [...bb.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    bb = await startFakeBitbucket();
    bb.validTokens.add(TOKEN);
    bb.repos.push(
      { workspace: 'atlassian', slug: 'atlassian-docs', uuid: '{3d11e9d9-3a1d-47c4-b1e9-8cb1a4d2b0ab}', admin: true },
      { workspace: 'atlassian', slug: 'read-only', uuid: '{00000000-0000-4000-8000-000000000009}', admin: false },
    );
    w = await startIntegrationWorld({
      dialect,
      integration: bitbucketIntegration,
      config: { clientId: bb.clientId, clientSecret: bb.clientSecret, apiBaseUrl: bb.url, tokenUrl: bb.tokenUrl },
      credential: { accessToken: TOKEN, providerAccountId: bb.user.uuid },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription hooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await bb.close();
  });

  it('pull request created: hook added with our secret, one signed delivery of the payload, resend and repeat deduplicated, hook deleted', async () => {
    const sub = await subscribed('BITBUCKET_TRIGGER_PULL_REQUEST_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const create = bb.requests.find((r) => r.method === 'POST' && r.path.endsWith('/hooks'))!;
    expect(create).toMatchObject({ rawPath: '/2.0/repositories/atlassian/atlassian-docs/hooks', auth: `Bearer ${TOKEN}` });
    expect(create.body).toEqual({ description: 'OpenTriggers', url: `${t.url}/hooks/s/${sub.id}`, active: true, events: ['pullrequest:created'], secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ active: true, events: ['pullrequest:created'], secret: create.body.secret });

    const first = await bb.deliver(hook.uuid, 'pullrequest:created', prCreated);
    expect(first.responses).toEqual([200]);
    expect(first.headers['x-hub-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'bitbucket', triggerType: 'BITBUCKET_TRIGGER_PULL_REQUEST_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: prCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // "Resend request" (same X-Request-UUID, next attempt number) and the same event sent again with a new one.
    expect((await bb.resend(first)).responses).toEqual([200, 200]);
    expect(first.headers['x-attempt-number']).toBe('2');
    expect((await bb.deliver(hook.uuid, 'pullrequest:created', prCreated)).responses).toEqual([200]);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(bb.hooks.size).toBe(0);
    expect(bb.deletedHooks.map((h) => h.uuid)).toEqual([hook.uuid]);
    expect(bb.requests.at(-1)).toMatchObject({ method: 'DELETE', rawPath: `/2.0/repositories/atlassian/atlassian-docs/hooks/${encodeURIComponent(hook.uuid)}` });
    // A delivery in flight when the subscription went away finds nothing.
    bb.hooks.set(hook.uuid, hook);
    expect((await bb.deliver(hook.uuid, 'pullrequest:created', prCreated)).responses).toEqual([404]);
  });

  it('every trigger: its own hook and event, delivered once despite a resend; all hooks deleted', async () => {
    const subs = new Map<string, string>();
    for (const trigger of bitbucketIntegration.triggers) subs.set(trigger.type, (await subscribed(trigger.type)).id);
    expect(bb.hooks.size).toBe(bitbucketIntegration.triggers.length);
    for (const trigger of bitbucketIntegration.triggers) {
      const hook = hookFor(subs.get(trigger.type)!)!;
      const { event, payload } = DELIVERIES[trigger.type]!;
      expect(hook.events).toEqual([event]);
      const d = await bb.deliver(hook.uuid, event, payload);
      expect(d.responses, trigger.type).toEqual([200]);
      expect((await bb.resend(d)).responses.at(-1)).toBe(200);
    }
    await worker.drain();
    await receiver.waitFor(bitbucketIntegration.triggers.length);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: unknown });
    expect(got.map((g) => g.triggerType).sort()).toEqual(bitbucketIntegration.triggers.map((x) => x.type).sort());
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload).toEqual(DELIVERIES[g.triggerType]!.payload);
    }
    for (const id of subs.values()) expect((await user.delete(`${base}/trigger-subscriptions/${id}`)).body).toEqual({ success: true });
    expect(bb.hooks.size).toBe(0);
  });

  it('push with a branch: pushes to other branches are acknowledged and ignored; a bad branch is a 400 naming the parameter', async () => {
    const sub = await subscribed('BITBUCKET_TRIGGER_PUSH', { ...REPO, branch: 'release' });
    const bad = await subscribe('BITBUCKET_TRIGGER_PUSH', { ...REPO, branch: 'x'.repeat(300) });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('parameters.branch');
    const hook = hookFor(sub.id)!;
    expect((await bb.deliver(hook.uuid, 'repo:push', pushFixture)).responses).toEqual([200]); // main: not ours
    const release = JSON.parse(JSON.stringify(pushFixture)) as typeof pushFixture;
    release.push.changes[0]!.new.name = 'release';
    release.push.changes[0]!.old.name = 'release';
    expect((await bb.deliver(hook.uuid, 'repo:push', release)).responses).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ triggerType: 'BITBUCKET_TRIGGER_PUSH', triggerSubscriptionId: sub.id, payload: release });
    await worker.drain();
    expect(await events()).toHaveLength(1);
  });

  it('refuses forged, missing, foreign and tampered signatures with 401 and stores nothing', async () => {
    const sub = await subscribed('BITBUCKET_TRIGGER_ISSUE_CREATED');
    const other = await subscribed('BITBUCKET_TRIGGER_ISSUE_CREATED');
    const hook = hookFor(sub.id)!;
    expect((await bb.deliver(hook.uuid, 'issue:created', issueCreated, { secret: 'not-the-secret' })).responses).toEqual([401]);
    expect((await bb.deliver(hook.uuid, 'issue:created', issueCreated, { secret: null })).responses).toEqual([401]);
    // Another subscription's secret does not open this one.
    expect((await bb.deliver(hook.uuid, 'issue:created', issueCreated, { secret: hookFor(other.id)!.secret })).responses).toEqual([401]);
    await worker.drain();
    expect(await events()).toEqual([]);
    // A genuine delivery passes; the same signature on a body changed after signing does not.
    const signed = await bb.deliver(hook.uuid, 'issue:created', issueCreated);
    expect(signed.responses).toEqual([200]);
    const tampered = await fetch(hook.url, { method: 'POST', headers: { ...signed.headers }, body: signed.body.replace('"id":1,', '"id":2,') });
    expect(tampered.status).toBe(401);
    await worker.drain();
    expect((await events()).map((e) => e.triggerSubscriptionId)).toEqual([sub.id]);
    expect(receiver.requests).toHaveLength(1);
  });

  it('refreshes an expired token once with Basic client auth and adds the hook with the new one', async () => {
    bb.refreshTokens.add('refresh-1');
    const stale = await user.post(`${base}/credentials`, { integration: 'bitbucket', accessToken: 'expired-token', refreshToken: 'refresh-1', providerAccountId: bb.user.uuid });
    expect(stale.status, stale.text).toBe(201);
    const r = await subscribe('BITBUCKET_TRIGGER_PULL_REQUEST_MERGED', REPO, { 'x-paragon-credential': stale.body.id });
    expect(r.status, r.text).toBe(200);
    const refresh = bb.requests.find((q) => q.path === '/site/oauth2/access_token')!;
    expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
    expect(refresh.auth).toBe(`Basic ${Buffer.from(`${bb.clientId}:${bb.clientSecret}`).toString('base64')}`);
    const stored = (await t.svc.storage.credentials.get(stale.body.id))!;
    const posts = bb.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/hooks'));
    expect(posts.map((q) => q.auth)).toEqual(['Bearer expired-token', `Bearer ${stored.secrets.accessToken}`]);
    expect(hookFor(r.body.id)).toBeDefined();
  });

  it('reports Bitbucket refusals at subscribe time and stores nothing: bad parameter, unknown repository, no admin rights, 429, 5xx, revoked token', async () => {
    const badParam = await subscribe('BITBUCKET_TRIGGER_PUSH', { workspace: '../..', repoSlug: 'x' });
    expect(badParam.status).toBe(400);
    expect(badParam.body.message).toContain('parameters.workspace');
    const missing = await subscribe('BITBUCKET_TRIGGER_PUSH', { workspace: 'atlassian', repoSlug: 'nope' });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('atlassian/nope was not found');
    const noAdmin = await subscribe('BITBUCKET_TRIGGER_PUSH', { workspace: 'atlassian', repoSlug: 'read-only' });
    expect(noAdmin.status).toBe(422);
    expect(noAdmin.body.message).toContain('admin rights');
    bb.rateLimitNext(60);
    expect((await subscribe('BITBUCKET_TRIGGER_PUSH')).status).toBe(429);
    bb.failNext(1, 502);
    expect((await subscribe('BITBUCKET_TRIGGER_PUSH')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'bitbucket', accessToken: 'revoked', providerAccountId: bb.user.uuid });
    const r401 = await subscribe('BITBUCKET_TRIGGER_PUSH', REPO, { 'x-paragon-credential': revoked.body.id });
    expect(r401.status).toBe(422);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(bb.hooks.size).toBe(0);
    expect(JSON.stringify([badParam.body, missing.body, noAdmin.body, r401.body])).not.toContain(TOKEN);
  });

  it('checks the hook every hour: one deleted or deactivated is added again with a new secret and delivers', async () => {
    const sub = await subscribed('BITBUCKET_TRIGGER_PULL_REQUEST_COMMENT_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p), metrics: t.svc.metrics });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    const first = hookFor(sub.id)!;
    const before = bb.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(bb.requests.slice(before).map((r) => `${r.method} ${r.rawPath}`)).toEqual([`GET /2.0/repositories/atlassian/atlassian-docs/hooks/${encodeURIComponent(first.uuid)}`]);

    // A repository admin deleted it: a new hook with a new secret; the old secret no longer opens anything.
    bb.hooks.delete(first.uuid);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.uuid).not.toBe(first.uuid);
    expect(second.secret).not.toBe(first.secret);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret');
    expect((await bb.deliver(second.uuid, 'pullrequest:comment_created', prComment, { secret: first.secret })).responses).toEqual([401]);
    expect((await bb.deliver(second.uuid, 'pullrequest:comment_created', prComment)).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(1);

    // Deactivated in the repository settings: removed and added again.
    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(bb.deletedHooks.map((h) => h.uuid)).toEqual([second.uuid]);
    const third = hookFor(sub.id)!;
    expect([third.uuid === second.uuid, third.active, bb.hooks.size]).toEqual([false, true, 1]);
    const next = JSON.parse(JSON.stringify(prComment)) as typeof prComment;
    next.comment.id = 18;
    expect((await bb.deliver(third.uuid, 'pullrequest:comment_created', next)).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('unsubscribes when the hook is already gone (404), and warns when Bitbucket fails the deletion', async () => {
    const gone = await subscribed('BITBUCKET_TRIGGER_ISSUE_CREATED');
    bb.hooks.delete(hookFor(gone.id)!.uuid);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });
    const failing = await subscribed('BITBUCKET_TRIGGER_ISSUE_CREATED');
    bb.rateLimitNext(10);
    const del = await user.delete(`${base}/trigger-subscriptions/${failing.id}`);
    expect(del.body.success).toBe(true);
    expect(del.body.warning).toContain('provider teardown failed');
  });
});
