// Netlify end to end through the public API, on SQLite and PostgreSQL: subscribe → a hook at the fake Netlify on the
// site (our per-subscription URL, the trigger's event, type "url", the subscription's secret as signature_secret;
// the token as Bearer) → a JWS-signed delivery → one event with the body as sent → Netlify's retry of the same
// deploy state adds nothing → unsubscribe deletes the hook. Plus refused signatures (a changed body under a valid
// token, another secret, no sha256 claim: 401, nothing stored), an OAuth token instead of a personal access token,
// parameter and provider refusals at subscribe time, and the hourly check re-creating a deleted or disabled hook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { deployBuilding, deployCreated, deployFailed, deploySucceeded, formSubmission, otherFormSubmission, otherSiteDeploySucceeded } from '../../src/integrations/netlify/fixtures/events.js';
import { netlifyIntegration } from '../../src/integrations/netlify/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeNetlify, type FakeNetlify, type NetlifyHook } from '../providers/netlify.js';

const SITE = 'fa4dd95a-994e-4f89-8a7a-2d9e9fc36a32';

describe.each(DIALECTS)('Netlify end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let nf: FakeNetlify;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = { siteId: SITE }) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): NetlifyHook | undefined => [...nf.hooks.values()].find((h) => h.data.url === `${t.url}/hooks/s/${subscriptionId}`);
  const start = async (credential: Record<string, unknown>) => {
    w = await startIntegrationWorld({ dialect, integration: netlifyIntegration, config: { apiBaseUrl: nf.apiBaseUrl }, credential });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  };

  beforeEach(async () => {
    nf = await startFakeNetlify();
    await start({ apiKey: nf.token, providerAccountId: nf.userId });
  });
  afterEach(async () => {
    await w.close();
    await nf.close();
  });

  it('deploy succeeded with a personal access token: hook created on the site with our secret, one delivery, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { siteId: SITE } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ site_id: SITE, type: 'url', event: 'deploy_succeeded', disabled: false });
    const post = nf.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/api/v1/hooks', query: { site_id: SITE }, auth: `Bearer ${nf.token}` });
    expect(post.body).toEqual({ site_id: SITE, type: 'url', event: 'deploy_succeeded', data: { url: `${t.url}/hooks/s/${sub.id}`, signature_secret: expect.any(String) } });
    expect(post.body.data.signature_secret.length).toBeGreaterThanOrEqual(32);
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(hook.id);

    expect((await nf.deliver(hook.id, deploySucceeded)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'netlify', triggerType: 'NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: deploySucceeded,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Netlify retries the same notification: acknowledged, nothing new. A failed deploy or another site's deploy
    // reaching this URL is acknowledged and ignored.
    expect((await nf.deliver(hook.id, deploySucceeded)).status).toBe(200);
    expect((await nf.deliver(hook.id, deployFailed)).status).toBe(200);
    expect((await nf.deliver(hook.id, otherSiteDeploySucceeded)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(nf.hooks.size).toBe(0);
    expect(nf.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(nf.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/hooks/${hook.id}`, auth: `Bearer ${nf.token}` });
  });

  it('with an OAuth token: deploy created, building and failed, and one form\'s submissions, each from its own hook', async () => {
    await w.close();
    nf.tokens.add('oauth-access-token-1');
    await start({ accessToken: 'oauth-access-token-1', providerAccountId: nf.userId });
    const created = await subscribed('NETLIFY_TRIGGER_DEPLOY_CREATED');
    const building = await subscribed('NETLIFY_TRIGGER_DEPLOY_BUILDING');
    const failed = await subscribed('NETLIFY_TRIGGER_DEPLOY_FAILED');
    const form = await subscribed('NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED', { siteId: SITE, formId: formSubmission.form_id });
    expect(nf.requests.filter((r) => r.method === 'POST').map((r) => [r.auth, r.body.event])).toEqual([
      ['Bearer oauth-access-token-1', 'deploy_created'],
      ['Bearer oauth-access-token-1', 'deploy_building'],
      ['Bearer oauth-access-token-1', 'deploy_failed'],
      ['Bearer oauth-access-token-1', 'submission_created'],
    ]);
    expect((await nf.deliver(hookFor(created.id)!.id, deployCreated)).status).toBe(200);
    expect((await nf.deliver(hookFor(building.id)!.id, deployBuilding)).status).toBe(200);
    expect((await nf.deliver(hookFor(failed.id)!.id, deployFailed)).status).toBe(200);
    expect((await nf.deliver(hookFor(form.id)!.id, formSubmission)).status).toBe(200);
    expect((await nf.deliver(hookFor(form.id)!.id, otherFormSubmission)).status).toBe(200);
    expect((await nf.deliver(hookFor(form.id)!.id, formSubmission)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(4);
    const bySub = Object.fromEntries(sent.map((r) => [(r.json as any).triggerSubscriptionId, [(r.json as any).payload.id, (r.json as any).payload.state ?? (r.json as any).payload.form_name]]));
    expect(bySub).toEqual({
      [created.id]: [deployCreated.id, 'new'],
      [building.id]: [deployBuilding.id, 'building'],
      [failed.id]: [deployFailed.id, 'error'],
      [form.id]: [formSubmission.id, 'contact'],
    });
    expect(await w.events()).toHaveLength(4);
  });

  it('refuses a changed body under a valid token, another hook\'s secret, a token without the sha256 claim and a missing header with 401, storing nothing', async () => {
    const sub = await subscribed('NETLIFY_TRIGGER_DEPLOY_FAILED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('NETLIFY_TRIGGER_DEPLOY_FAILED')).id)!;
    const tokenForOtherBody = nf.jws(hook.data.signature_secret!, JSON.stringify(deploySucceeded));
    expect((await nf.deliver(hook.id, deployFailed, { headers: { 'x-webhook-signature': tokenForOtherBody } })).status).toBe(401);
    expect((await nf.deliver(hook.id, deployFailed, { secret: other.data.signature_secret! })).status).toBe(401);
    expect((await nf.deliver(hook.id, deployFailed, { claims: { iss: 'netlify' } })).status).toBe(401);
    expect((await nf.deliver(hook.id, deployFailed, { headers: { 'x-webhook-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses bad parameters naming the field, maps Netlify errors at subscribe time, and stores nothing', async () => {
    const noSite = await w.subscribe('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', {});
    expect([noSite.status, noSite.body.message]).toEqual([400, expect.stringContaining('parameters.siteId')]);
    const badSite = await w.subscribe('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', { siteId: '../user' });
    expect([badSite.status, badSite.body.message]).toEqual([400, expect.stringContaining('parameters.siteId')]);
    const badForm = await w.subscribe('NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED', { siteId: SITE, formId: 'a/b' });
    expect([badForm.status, badForm.body.message]).toEqual([400, expect.stringContaining('parameters.formId')]);
    const formOnDeploy = await w.subscribe('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', { siteId: SITE, formId: 'abc' });
    expect([formOnDeploy.status, formOnDeploy.body.message]).toEqual([400, expect.stringContaining('parameters.formId')]);
    expect(nf.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    const unknownSite = await w.subscribe('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', { siteId: 'not-mine.netlify.app' });
    expect([unknownSite.status, unknownSite.body.message]).toEqual([422, expect.stringContaining('Netlify 404 Not Found')]);
    nf.failNext(1, 429, { code: 429, message: 'Rate limit exceeded' }, { 'retry-after': '5' });
    expect((await w.subscribe('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', { siteId: SITE })).status).toBe(429);
    nf.failNext(1, 503);
    expect((await w.subscribe('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', { siteId: SITE })).status).toBe(502);
    nf.failNext(1, 401, { code: 401, message: 'Access Denied: Invalid token' });
    const r401 = await w.subscribe('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', { siteId: SITE });
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(nf.token);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(nf.hooks.size).toBe(0);
  });

  it('checks the hook every hour: one deleted at Netlify, or disabled there, is created again with a new secret and delivers', async () => {
    const sub = await subscribed('NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = nf.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(nf.requests.slice(before).map((r) => [r.method, r.path])).toEqual([['GET', `/api/v1/hooks/${first.id}`]]);

    nf.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.data.signature_secret === first.data.signature_secret]).toEqual([false, false]);

    second.disabled = true;
    await due();
    const recheck = await renewals.runOnce();
    expect(recheck.subscriptions).toEqual({ recreated: 1 });
    expect(nf.deletedHooks.map((h) => h.id)).toContain(second.id);
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.disabled]).toEqual([false, false]);

    // An old secret no longer verifies; the new one does.
    expect((await nf.deliver(third.id, formSubmission, { secret: second.data.signature_secret! })).status).toBe(401);
    expect((await nf.deliver(third.id, formSubmission)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
