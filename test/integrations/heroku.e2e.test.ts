// Heroku end to end through the public API, on SQLite and PostgreSQL: subscribe → an app webhook at the fake Heroku
// (our per-subscription URL, the trigger's one entity, level sync, our secret; the key or token as Bearer with the
// version-3 Accept header) → a signed event → one delivery of the webhook body → Heroku's retry of the same event adds
// nothing → unsubscribe deletes the webhook. Plus an API-key credential and an OAuth credential side by side, bad
// signatures (401, nothing stored), parameter and provider refusals at subscribe time, and the hourly check
// re-creating a webhook deleted at Heroku.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { addonCreated, buildCreated, buildFailed, buildSucceeded, dynoCrashed, dynoDown, releaseCreated } from '../../src/integrations/heroku/fixtures/events.js';
import { herokuIntegration } from '../../src/integrations/heroku/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeHeroku, type FakeHeroku, type HerokuHook } from '../providers/heroku.js';

const APP = 'sample-app-0084';
const APP_ID = 'd2f24bd2-399a-4868-9467-bc0ba2411cc2';

describe.each(DIALECTS)('Heroku end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let hk: FakeHeroku;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = { app: APP }, headers?: Record<string, string>) => subscriptionOf(await w.subscribe(type, params, headers));
  const hookFor = (subscriptionId: string): HerokuHook | undefined => [...hk.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    hk = await startFakeHeroku();
    w = await startIntegrationWorld({
      dialect,
      integration: herokuIntegration,
      config: { clientId: 'heroku-client', clientSecret: 'heroku-client-secret', apiBaseUrl: hk.apiBaseUrl },
      credential: { apiKey: hk.apiKey, providerAccountId: hk.accountId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await hk.close();
  });

  it('release created with an API key: webhook created with our secret, one delivery, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('HEROKU_TRIGGER_RELEASE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { app: APP } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ appId: APP_ID, include: ['api:release'], level: 'sync', authorization: null });
    expect(hook.secret).toMatch(/.{16,}/);
    const post = hk.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: `/apps/${APP}/webhooks`, auth: `Bearer ${hk.apiKey}`, accept: 'application/vnd.heroku+json; version=3' });
    expect(post.body).toEqual({ include: ['api:release'], level: 'sync', url: `${t.url}/hooks/s/${sub.id}`, secret: hook.secret });
    expect(JSON.stringify(await t.svc.storage.subscriptions.get(sub.id))).toContain(hook.id);

    expect((await hk.deliver(hook.id, releaseCreated)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'heroku', triggerType: 'HEROKU_TRIGGER_RELEASE_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: releaseCreated,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Heroku retries the same event (new delivery id, our answer was lost): acknowledged, nothing new. A release
    // update reaching this URL is acknowledged and ignored.
    expect((await hk.deliver(hook.id, releaseCreated)).status).toBe(200);
    expect((await hk.deliver(hook.id, { ...releaseCreated, id: 'e0000000-0000-4000-8000-000000000001', action: 'update' })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(hk.hooks.size).toBe(0);
    expect(hk.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(hk.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/apps/${APP}/webhooks/${hook.id}` });
  });

  it('builds, crashed dynos and add-ons through an OAuth credential, by app id: each webhook delivers only its own events', async () => {
    hk.tokens.add('HRKU-oauth-access-token');
    const cred = await user.post(`${base}/credentials`, { integration: 'heroku', accessToken: 'HRKU-oauth-access-token', refreshToken: 'refresh-1', providerAccountId: hk.accountId });
    expect(cred.status).toBeLessThan(300);
    const as = { 'x-paragon-credential': cred.body.id as string };
    const ok = await subscribed('HEROKU_TRIGGER_BUILD_SUCCEEDED', { app: APP_ID }, as);
    const failed = await subscribed('HEROKU_TRIGGER_BUILD_FAILED', { app: APP_ID }, as);
    const crashed = await subscribed('HEROKU_TRIGGER_DYNO_CRASHED', { app: APP_ID }, as);
    const addon = await subscribed('HEROKU_TRIGGER_ADDON_CREATED', { app: APP_ID }, as);
    const posts = hk.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.path, r.auth, r.body.include])).toEqual([
      [`/apps/${APP_ID}/webhooks`, 'Bearer HRKU-oauth-access-token', ['api:build']],
      [`/apps/${APP_ID}/webhooks`, 'Bearer HRKU-oauth-access-token', ['api:build']],
      [`/apps/${APP_ID}/webhooks`, 'Bearer HRKU-oauth-access-token', ['dyno']],
      [`/apps/${APP_ID}/webhooks`, 'Bearer HRKU-oauth-access-token', ['api:addon']],
    ]);
    // Heroku sends every api:build event to both build webhooks: the create, the success and the failure.
    for (const body of [buildCreated, buildSucceeded, buildFailed]) {
      expect((await hk.deliver(hookFor(ok.id)!.id, body)).status).toBe(200);
      expect((await hk.deliver(hookFor(failed.id)!.id, body)).status).toBe(200);
    }
    expect((await hk.deliver(hookFor(crashed.id)!.id, dynoDown)).status).toBe(200);
    expect((await hk.deliver(hookFor(crashed.id)!.id, dynoCrashed)).status).toBe(200);
    expect((await hk.deliver(hookFor(addon.id)!.id, addonCreated)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(4);
    await worker.drain();
    expect(receiver.requests).toHaveLength(4);
    const bySub = Object.fromEntries(sent.map((r) => [(r.json as any).triggerSubscriptionId, (r.json as any).payload.id]));
    expect(bySub).toEqual({ [ok.id]: buildSucceeded.id, [failed.id]: buildFailed.id, [crashed.id]: dynoCrashed.id, [addon.id]: addonCreated.id });
  });

  it('refuses a bad signature, another webhook\'s secret, a hex signature and a missing header with 401, storing nothing', async () => {
    const sub = await subscribed('HEROKU_TRIGGER_DYNO_CRASHED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('HEROKU_TRIGGER_DYNO_CRASHED')).id)!;
    const { createHmac } = await import('node:crypto');
    const hex = createHmac('sha256', hook.secret!).update(JSON.stringify(dynoCrashed)).digest('hex');
    expect((await hk.deliver(hook.id, dynoCrashed, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await hk.deliver(hook.id, dynoCrashed, { secret: other.secret! })).status).toBe(401);
    expect((await hk.deliver(hook.id, dynoCrashed, { headers: { 'heroku-webhook-hmac-sha256': hex } })).status).toBe(401);
    expect((await hk.deliver(hook.id, dynoCrashed, { headers: { 'heroku-webhook-hmac-sha256': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses bad parameters naming the field, maps Heroku errors at subscribe time, and stores nothing', async () => {
    const noApp = await w.subscribe('HEROKU_TRIGGER_RELEASE_CREATED', {});
    expect([noApp.status, noApp.body.message]).toEqual([400, expect.stringContaining('parameters.app')]);
    const badApp = await w.subscribe('HEROKU_TRIGGER_RELEASE_CREATED', { app: '../account' });
    expect([badApp.status, badApp.body.message]).toEqual([400, expect.stringContaining('parameters.app')]);
    expect(hk.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    const unknown = await w.subscribe('HEROKU_TRIGGER_RELEASE_CREATED', { app: 'not-my-app' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain("Couldn't find that app");
    hk.failNext(1, 403, { id: 'forbidden', message: 'You do not have access to the app sample-app-0084.' });
    const r403 = await w.subscribe('HEROKU_TRIGGER_RELEASE_CREATED', { app: APP });
    expect([r403.status, r403.body.message]).toEqual([422, expect.stringContaining('do not have access')]);
    hk.failNext(1, 429, { id: 'rate_limit', message: 'Your account reached the API rate limit' });
    expect((await w.subscribe('HEROKU_TRIGGER_RELEASE_CREATED', { app: APP })).status).toBe(429);
    hk.failNext(1, 503);
    expect((await w.subscribe('HEROKU_TRIGGER_RELEASE_CREATED', { app: APP })).status).toBe(502);
    hk.tokens.delete(hk.apiKey);
    const r401 = await w.subscribe('HEROKU_TRIGGER_RELEASE_CREATED', { app: APP });
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(hk.apiKey);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(hk.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted at Heroku is created again with a new secret and delivers', async () => {
    const sub = await subscribed('HEROKU_TRIGGER_BUILD_FAILED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = hk.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(hk.requests.slice(before).map((r) => [r.method, r.path])).toEqual([['GET', `/apps/${APP}/webhooks/${first.id}`]]);

    hk.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.secret === first.secret, second.include]).toEqual([false, false, ['api:build']]);

    // The old secret no longer verifies; the new one does.
    expect((await hk.deliver(second.id, buildFailed, { secret: first.secret! })).status).toBe(401);
    expect((await hk.deliver(second.id, buildFailed)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
