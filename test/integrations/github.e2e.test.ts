// GitHub end to end through the public API, on SQLite and PostgreSQL: subscribe → a repository webhook is
// created at the fake GitHub (our per-subscription URL, a fresh secret, JSON, TLS verified, only the needed
// event) → GitHub's `ping` is acknowledged and ignored → a signed delivery → exactly one signed delivery of
// the whole webhook body at the receiver → GitHub's redelivery (same X-GitHub-Delivery) adds nothing →
// unsubscribe → the hook is deleted. Plus bad signatures, an expired token refreshed, rate limits (403 with
// x-ratelimit-remaining: 0, secondary limits), GitHub 5xx, a hook deleted behind our back, and the backstop
// sync that reads deliveries GitHub could not make from the hook's recent deliveries. Deliveries
// carry GitHub's published example payloads (test/providers/github-examples.ts), signed by GitHub's own signer.
import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Poller } from '../../src/engine/poller.js';
import { Renewals } from '../../src/engine/renewals.js';
import { githubIntegration } from '../../src/integrations/github/integration.js';
import { renewalsRole } from '../../src/roles.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS, testKeyring } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeGithub, type FakeGithub, type GithubHook } from '../providers/github.js';
import { TRIGGER_DELIVERIES, issueClosed as issuesClosed, issueOpened as issuesOpened, pullRequestClosedUnmerged as prUnmerged } from '../providers/github-examples.js';

const TOKEN = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';
const REPO = { owner: 'Codertocat', repo: 'Hello-World' };

describe.each(DIALECTS)('GitHub end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let gh: FakeGithub;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe = (type: string, parameters: Record<string, unknown> = REPO, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string) => subscriptionOf(await subscribe(type));
  const hookFor = (subscriptionId: string): GithubHook | undefined =>
    [...gh.hooks.values()].find((h) => h.config.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    gh = await startFakeGithub();
    gh.validTokens.add(TOKEN);
    gh.repos.add('Codertocat/Hello-World');
    w = await startIntegrationWorld({
      dialect,
      integration: githubIntegration,
      config: {
        clientId: gh.clientId, clientSecret: gh.clientSecret, apiBaseUrl: gh.url, tokenUrl: gh.tokenUrl,
      },
      credential: { accessToken: TOKEN, providerAccountId: '1' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription hooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await gh.close();
  });

  it('issue created: hook registered, ping ignored, one signed delivery of the whole body, redelivery deduplicated, hook deleted', async () => {
    const sub = await subscribed('GITHUB_TRIGGER_ISSUE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ owner: 'Codertocat', repo: 'Hello-World', name: 'web', active: true, events: ['issues'], config: { content_type: 'json', insecure_ssl: '0' } });
    expect(hook.config.secret).toMatch(/^[0-9a-f]{64}$/);
    const create = gh.requests.find((r) => r.method === 'POST' && r.path === '/repos/Codertocat/Hello-World/hooks')!;
    expect(create.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' });

    // GitHub pings right after creating the hook (possibly before our subscription row exists); a ping
    // sent now is acknowledged and stored as nothing.
    await Promise.all(gh.pings);
    const ping = [...gh.deliveries.values()].find((d) => d.event === 'ping')!;
    const pingAgain = await gh.redeliver(ping.guid);
    expect(pingAgain.responses.at(-1)).toBe(200);

    const delivery = await gh.deliver(hook.id, 'issues', issuesOpened);
    expect(delivery.responses).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'github', triggerType: 'GITHUB_TRIGGER_ISSUE_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: issuesOpened,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // "Redeliver" from GitHub's Recent Deliveries keeps the GUID: acknowledged, nothing new.
    expect((await gh.redeliver(delivery.guid)).responses.at(-1)).toBe(200);
    // Another action of the same event (closed) is not this trigger's: acknowledged, ignored.
    expect((await gh.deliver(hook.id, 'issues', issuesClosed)).responses).toEqual([200]);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(gh.hooks.size).toBe(0);
    expect(gh.deletedHooks.map((x) => x.id)).toEqual([hook.id]);
    expect(gh.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/repos/Codertocat/Hello-World/hooks/${hook.id}` });
    // A delivery already in flight when the hook went away finds no subscription.
    gh.hooks.set(hook.id, hook);
    expect((await gh.deliver(hook.id, 'issues', issuesOpened)).responses).toEqual([404]);
  });

  it('every trigger: its own hook and event, delivered once; other actions acknowledged and ignored; all hooks deleted', async () => {
    const subs = new Map<string, string>();
    for (const trigger of githubIntegration.triggers) subs.set(trigger.type, (await subscribed(trigger.type)).id);
    expect(gh.hooks.size).toBe(githubIntegration.triggers.length);
    await Promise.all(gh.pings);
    for (const trigger of githubIntegration.triggers) {
      const hook = hookFor(subs.get(trigger.type)!)!;
      const { event, payload } = TRIGGER_DELIVERIES[trigger.type]!;
      expect(hook.events).toEqual([event]);
      const d = await gh.deliver(hook.id, event, payload);
      expect(d.responses, trigger.type).toEqual([200]);
      expect((await gh.redeliver(d.guid)).responses.at(-1)).toBe(200);
    }
    // Closed without merging reaches the MERGED hook (same event): ignored.
    expect((await gh.deliver(hookFor(subs.get('GITHUB_TRIGGER_PULL_REQUEST_MERGED')!)!.id, 'pull_request', prUnmerged)).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(githubIntegration.triggers.length);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: unknown });
    expect(got.map((g) => g.triggerType).sort()).toEqual(githubIntegration.triggers.map((x) => x.type).sort());
    for (const g of got) {
      expect(g.triggerSubscriptionId).toBe(subs.get(g.triggerType));
      expect(g.payload).toEqual(TRIGGER_DELIVERIES[g.triggerType]!.payload);
    }
    for (const id of subs.values()) expect((await user.delete(`${base}/trigger-subscriptions/${id}`)).body).toEqual({ success: true });
    expect(gh.hooks.size).toBe(0);
  });

  it('refuses forged, tampered and unsigned deliveries with 401 and stores nothing', async () => {
    const sub = await subscribed('GITHUB_TRIGGER_STAR_CREATED');
    const hook = hookFor(sub.id)!;
    const star = TRIGGER_DELIVERIES.GITHUB_TRIGGER_STAR_CREATED!.payload;
    expect((await gh.deliver(hook.id, 'star', star, { secretOverride: 'not-the-hook-secret' })).responses).toEqual([401]);
    const body = JSON.stringify(star);
    const sig = await sign(hook.config.secret!, body);
    const headers = { 'content-type': 'application/json', 'x-github-event': 'star', 'x-github-delivery': 'abc-1' };
    const tampered = await fetch(hook.config.url, { method: 'POST', headers: { ...headers, 'x-hub-signature-256': sig }, body: body.replace('"created"', '"deleted"') });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(hook.config.url, { method: 'POST', headers, body });
    expect(unsigned.status).toBe(401);
    // Only the legacy SHA-1 header is not enough.
    const sha1 = await fetch(hook.config.url, { method: 'POST', headers: { ...headers, 'x-hub-signature': `sha1=${createHmac('sha1', hook.config.secret!).update(body).digest('hex')}` }, body });
    expect(sha1.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refreshes an expired token once on 401 and creates the hook with the new one', async () => {
    gh.refreshTokens.add('ghr_refresh_1');
    const stale = await user.post(`${base}/credentials`, { integration: 'github', accessToken: 'ghu_expired', refreshToken: 'ghr_refresh_1', providerAccountId: '1' });
    const r = await subscribe('GITHUB_TRIGGER_PUSH', REPO, { 'x-paragon-credential': stale.body.id });
    expect(r.status, r.text).toBe(200);
    const posts = gh.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/hooks'));
    expect(posts.map((q) => q.headers.authorization)).toEqual(['Bearer ghu_expired', expect.stringMatching(/^Bearer ghu_[0-9a-f]{20}$/)]);
    const refresh = gh.requests.find((q) => q.path === '/login/oauth/access_token')!;
    expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'ghr_refresh_1', client_id: gh.clientId, client_secret: gh.clientSecret });
    expect(gh.refreshTokens.has('ghr_refresh_1')).toBe(false);
    expect(hookFor(r.body.id)).toBeDefined();
    // The rotated token is the one used from now on.
    expect((await user.delete(`${base}/trigger-subscriptions/${r.body.id}`)).body).toEqual({ success: true });
    expect(gh.requests.at(-1)!.headers.authorization).toBe(posts[1]!.headers.authorization);
  });

  it('reports GitHub refusals at subscribe time and stores nothing: unknown repo, bad parameters, rate limits, 5xx, revoked token', async () => {
    const missing = await subscribe('GITHUB_TRIGGER_ISSUE_CREATED', { owner: 'Codertocat', repo: 'does-not-exist' });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('admin:repo_hook');
    const badParam = await subscribe('GITHUB_TRIGGER_ISSUE_CREATED', { owner: 'Codertocat', repo: '../../user' });
    expect(badParam.status).toBe(400);
    expect(badParam.body.message).toContain('parameters.repo');
    expect((await subscribe('GITHUB_TRIGGER_ISSUE_CREATED', { owner: 'Codertocat' })).status).toBe(400);

    gh.rateLimitNext('primary', { resetInSeconds: 600 });
    const primary = await subscribe('GITHUB_TRIGGER_ISSUE_CREATED');
    expect(primary.status).toBe(429);
    gh.rateLimitNext('secondary', { retryAfter: 60 });
    expect((await subscribe('GITHUB_TRIGGER_ISSUE_CREATED')).status).toBe(429);
    gh.failNext(1, 502);
    expect((await subscribe('GITHUB_TRIGGER_ISSUE_CREATED')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'github', accessToken: 'gho_revoked', providerAccountId: '1' });
    const r401 = await subscribe('GITHUB_TRIGGER_ISSUE_CREATED', REPO, { 'x-paragon-credential': revoked.body.id });
    expect(r401.status).toBe(422);
    expect(r401.body.message).toContain("refused the connected account's credentials");
    // A 401 with no refresh token to try: the account must be reconnected.
    const creds = (await user.get(`${base}/credentials`)).body.credentials as Array<{ id: string; status: string }>;
    expect(creds.find((c) => c.id === revoked.body.id)?.status).toBe('INVALID');
    expect(creds.find((c) => c.id === credentialId)?.status).toBe('VALID');

    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(gh.hooks.size).toBe(0);
  });

  it('checks the hook every hour: one deleted or disabled behind our back is registered again and delivers', async () => {
    const sub = await subscribed('GITHUB_TRIGGER_ISSUE_CREATED');
    const renewAt = (await t.svc.storage.subscriptions.get(sub.id))!.renewAt!;
    expect(renewAt - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(renewAt - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p), metrics: t.svc.metrics });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    // Still there: one GET, nothing else.
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    const first = hookFor(sub.id)!;
    expect(gh.requests.at(-1)).toMatchObject({ method: 'GET', path: `/repos/Codertocat/Hello-World/hooks/${first.id}` });
    expect((await t.svc.storage.subscriptions.get(sub.id))!.renewAt! - Date.now()).toBeGreaterThan(55 * 60_000);

    // Deleted by a repository admin: a new hook with a new secret, and the subscription says what happened.
    gh.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.config.secret).not.toBe(first.config.secret);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret');
    // The catch-up of the gap reads the old hook's deliveries, which GitHub deleted with the hook.
    expect(await logs()).toContain(`events from while the provider subscription was gone could not be read: GitHub webhook ${first.id} on Codertocat/Hello-World is gone (404), and its recent deliveries with it`);
    expect((await gh.deliver(second.id, 'issues', issuesOpened)).responses).toEqual([200]);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);

    // Disabled (active: false): a new hook, and the disabled one is removed.
    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.active]).toEqual([false, true]);
    expect(gh.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect(await logs()).toContain('the provider had disabled this webhook; removed it and registered a new one with a new secret');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    const metrics = (await t.admin.get('/metrics')).text;
    expect(metrics).toContain('opentriggers_registrations_total{outcome="checked"} 1\n');
    expect(metrics).toContain('opentriggers_registrations_total{outcome="recreated"} 2\n');
  });

  it("backstop sync: a delivery GitHub could not make is read from the hook's recent deliveries and delivered once", async () => {
    const sub = await subscribed('GITHUB_TRIGGER_ISSUE_CREATED');
    // Scheduled one (jittered) backstop interval ahead, 15 min by default; the other tests never get there.
    const scheduled = (await t.svc.storage.subscriptions.get(sub.id))!.nextPollAt!;
    expect(scheduled - Date.now()).toBeGreaterThan(0.85 * 15 * 60_000);
    expect(scheduled - Date.now()).toBeLessThanOrEqual(1.1 * 15 * 60_000);
    const hook = hookFor(sub.id)!;
    await Promise.all(gh.pings);
    const poller = new Poller(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const sync = async () => {
      await t.svc.storage.subscriptions.update(sub.id, { nextPollAt: Date.now() - 1 });
      await poller.runDue();
      await worker.drain();
    };
    const calls = (from: number) => gh.requests.slice(from).map((r) => `${r.method} ${r.path}`);
    const deliveriesPath = `/repos/Codertocat/Hello-World/hooks/${hook.id}/deliveries`;
    const payloads = () => receiver.requests.map((r) => (r.json as { payload: unknown }).payload);

    const secondIssue = { ...issuesOpened, issue: { ...issuesOpened.issue, number: issuesOpened.issue.number + 1 } };
    const reached = await gh.deliver(hook.id, 'issues', issuesOpened);
    const lost = await gh.deliver(hook.id, 'issues', secondIssue, { unreachable: true }); // we were down
    const lostClosed = await gh.deliver(hook.id, 'issues', issuesClosed, { unreachable: true }); // not this trigger's
    // Failed, then redelivered by hand after we were back: it reached us, the backstop leaves it alone.
    const retried = await gh.deliver(hook.id, 'issues', { ...issuesOpened, issue: { ...issuesOpened.issue, number: 99 } }, { unreachable: true });
    await gh.redeliver(retried.guid);
    expect([reached, lost, lostClosed, retried].map((d) => d.responses)).toEqual([[200], [0], [0], [0, 200]]);
    await worker.drain();
    expect(payloads()).toHaveLength(2);

    const before = gh.requests.length;
    await sync();
    await receiver.waitFor(3);
    await worker.drain();
    expect(payloads().slice(2)).toEqual([secondIssue]);
    expect((receiver.requests[2]!.json as { triggerSubscriptionId: string }).triggerSubscriptionId).toBe(sub.id);
    // One list page, then the two failed `issues` deliveries by id (the ping and what reached us are not read).
    const attemptOf = (guid: string) => gh.attempts.find((a) => a.guid === guid)!.id;
    expect(calls(before).sort()).toEqual([
      `GET ${deliveriesPath}`, `GET ${deliveriesPath}/${attemptOf(lost.guid)}`, `GET ${deliveriesPath}/${attemptOf(lostClosed.guid)}`,
    ].sort());
    expect(gh.requests.slice(before)[0]!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-github-api-version': '2022-11-28' });
    const logs = JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    expect(logs).toContain('backstop sync found 1 event(s) the provider had not notified');
    // The cursor is kept next to the hook's state.
    const state = (await t.svc.storage.subscriptions.get(sub.id))!.state;
    expect(state).toEqual({ hookId: hook.id, owner: 'Codertocat', repo: 'Hello-World', event: 'issues', deliveriesCursor: Math.max(...gh.attempts.map((a) => a.id)) });

    // The next sync reads one page up to the cursor and fetches no delivery again.
    const second = gh.requests.length;
    await sync();
    expect(calls(second)).toEqual([`GET ${deliveriesPath}`]);
    expect(payloads()).toHaveLength(3);

    // More than one page (100 per page) since the cursor: the walk follows the Link header's cursor and stops
    // at the cursor; only the new failures are read.
    const third = await gh.deliver(hook.id, 'issues', { ...issuesOpened, issue: { ...issuesOpened.issue, number: 100 } }, { unreachable: true });
    for (let i = 0; i < 120; i++) await gh.deliver(hook.id, 'issues', issuesClosed, { unreachable: true });
    const start = gh.requests.length;
    await sync();
    await receiver.waitFor(4);
    const pages = calls(start).filter((c) => c === `GET ${deliveriesPath}`);
    expect(pages).toHaveLength(2);
    expect(calls(start).filter((c) => c !== `GET ${deliveriesPath}`)).toHaveLength(121);
    expect(calls(start)).toContain(`GET ${deliveriesPath}/${attemptOf(third.guid)}`);
    expect(payloads().slice(3)).toEqual([{ ...issuesOpened, issue: { ...issuesOpened.issue, number: 100 } }]);
    expect(await events()).toHaveLength(4);
  });

  it('backstop sync errors: rate limits pause the credential, a 5xx is tried next interval, a deleted hook is reported as 404', async () => {
    const sub = await subscribed('GITHUB_TRIGGER_ISSUE_CREATED');
    const hook = hookFor(sub.id)!;
    const poller = new Poller(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const sync = async () => {
      await t.svc.storage.subscriptions.update(sub.id, { nextPollAt: Date.now() - 1 });
      await poller.runDue();
    };
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    const lost = { ...issuesOpened, issue: { ...issuesOpened.issue, number: 7 } };
    await gh.deliver(hook.id, 'issues', lost, { unreachable: true });

    gh.rateLimitNext('primary', { resetInSeconds: 600 });
    await sync();
    const credential = (await t.svc.storage.credentials.get(credentialId))!;
    expect(credential.rateLimitedUntil! - Date.now()).toBeGreaterThan(500_000);
    await t.svc.storage.credentials.update(credentialId, { rateLimitedUntil: null });

    gh.failNext(1, 502);
    await sync();
    expect(await logs()).toContain('backstop sync failed');
    const afterFailure = (await t.svc.storage.subscriptions.get(sub.id))!;
    expect([afterFailure.status, afterFailure.state.deliveriesCursor]).toEqual(['ACTIVE', undefined]);

    // Next interval: read again from the unsaved position, delivered once.
    await sync();
    await worker.drain();
    await receiver.waitFor(1);
    expect(receiver.requests.map((r) => (r.json as { payload: unknown }).payload)).toEqual([lost]);

    gh.hooks.delete(hook.id);
    await sync();
    expect(await logs()).toContain(`backstop sync failed: GitHub webhook ${hook.id} on Codertocat/Hello-World is gone (404)`);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.status).toBe('ACTIVE');
  });

  it('hooks registered before checks existed get their first check when the renewals role starts', async () => {
    const sub = await subscribed('GITHUB_TRIGGER_ISSUE_CREATED');
    await t.svc.storage.subscriptions.update(sub.id, { renewAt: null });
    const role = await renewalsRole(t.svc, testKeyring());
    try {
      const at = (await t.svc.storage.subscriptions.get(sub.id))!.renewAt!;
      expect(at).toBeGreaterThanOrEqual(Date.now() - 60_000);
      expect(at).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    } finally {
      await role.stop();
    }
  });

  it('unsubscribes when the hook is already gone (404), and warns when GitHub fails the deletion', async () => {
    const gone = await subscribed('GITHUB_TRIGGER_RELEASE_PUBLISHED');
    gh.hooks.delete(hookFor(gone.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });

    const failing = await subscribed('GITHUB_TRIGGER_RELEASE_PUBLISHED');
    gh.failNext(1, 500);
    const del = await user.delete(`${base}/trigger-subscriptions/${failing.id}`);
    expect(del.body.success).toBe(true);
    expect(del.body.warning).toContain('provider teardown failed');
    expect((await user.get(`${base}/trigger-subscriptions/${failing.id}`)).status).toBe(404);
  });
});
