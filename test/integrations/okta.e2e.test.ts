// Okta end to end through the public API, on SQLite and PostgreSQL: a credential with the API token and the org
// (`extra.orgSubdomain`, filling the `{orgSubdomain}` placeholder) → subscribe → an event hook at the fake Okta (our
// per-subscription URL, the trigger's event type, our secret as the Authorization header) verified through Okta's
// one-time GET challenge, answered by the engine while the registration is pending → a delivery of several events →
// one event per matching uuid → Okta's retry of the same delivery adds nothing → unsubscribe deactivates and deletes
// the hook. Plus a wrong or missing Authorization header refused (401, nothing stored), a group filter, errors mapped
// at subscribe time (no hook left behind), and the hourly check re-creating a deleted or deactivated hook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { appAssignedToUser, userAddedToGroup, userCreated, userDeactivated, userSessionStarted } from '../../src/integrations/okta/fixtures/events.js';
import { oktaIntegration } from '../../src/integrations/okta/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeOkta, type FakeOkta, type OktaHook } from '../providers/okta.js';

describe.each(DIALECTS)('Okta end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let okta: FakeOkta;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, params: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, params));
  const hookFor = (subscriptionId: string): OktaHook | undefined => [...okta.hooks.values()].find((h) => h.uri === `${t.url}/hooks/s/${subscriptionId}`);
  const apiPath = (p: string) => `/${okta.orgSubdomain}/api/v1${p}`;

  beforeEach(async () => {
    okta = await startFakeOkta();
    w = await startIntegrationWorld({
      dialect,
      integration: oktaIntegration,
      config: { apiBaseUrl: okta.apiBaseTemplate },
      // The org given as users often write it: the engine keeps `acme`.
      credential: { apiKey: okta.apiToken, providerAccountId: 'acme', extra: { orgSubdomain: 'acme.okta.com' } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await okta.close();
  });

  it('user created: hook created and verified by the challenge, one event per uuid, retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('OKTA_TRIGGER_USER_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ events: ['user.lifecycle.create'], status: 'ACTIVE', verificationStatus: 'VERIFIED', auth: { key: 'Authorization' } });
    const [create, verify] = okta.requests;
    expect(create).toMatchObject({ method: 'POST', path: apiPath('/eventHooks'), auth: `SSWS ${okta.apiToken}` });
    expect(create!.body).toEqual({
      name: `OpenTriggers user.lifecycle.create ${sub.id}`,
      events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create'] },
      channel: { type: 'HTTP', version: '1.0.0', config: { uri: `${t.url}/hooks/s/${sub.id}`, headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: hook.auth.value } } },
    });
    expect(hook.auth.value).toMatch(/^[0-9a-f]{64}$/);
    expect(verify).toMatchObject({ method: 'POST', path: apiPath(`/eventHooks/${hook.id}/lifecycle/verify`) });
    expect(okta.verifications).toHaveLength(1);
    expect(okta.verifications[0]).toMatchObject({ status: 200, body: JSON.stringify({ verification: okta.verifications[0]!.challenge }) });
    // The stored secret is the header value Okta sends.
    expect((await t.svc.storage.subscriptions.get(sub.id))?.secret).toBe(hook.auth.value);

    const second = { ...userCreated, uuid: '7f00c1aa-4c3a-11ee-9a7d-000000000002', target: [{ ...userCreated.target[0]!, id: '00u2h6tq4oNMWpN7m0h8' }] };
    // One delivery batching two creations and an event of another type (ignored).
    expect((await okta.deliver(hook.id, [userCreated, userDeactivated, second])).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    expect(sent.map((s) => (s.json as { payload: { uuid: string } }).payload.uuid).sort()).toEqual([userCreated.uuid, second.uuid].sort());
    expect(sent[0]!.json).toMatchObject({ integration: 'okta', triggerType: 'OKTA_TRIGGER_USER_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id });
    expect(sent.map((s) => (s.json as { payload: unknown }).payload)).toContainEqual(userCreated);
    expectSignedDelivery(sent[0]!, project.signingSecret);

    // Okta retries the delivery (our answer was lost), under another envelope id: acknowledged, nothing new.
    expect((await okta.deliver(hook.id, [userCreated], { eventId: 'another-envelope' })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(2);
    expect(await w.events()).toHaveLength(2);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(okta.hooks.size).toBe(0);
    expect(okta.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(okta.requests.slice(-2).map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${apiPath(`/eventHooks/${hook.id}/lifecycle/deactivate`)}`,
      `DELETE ${apiPath(`/eventHooks/${hook.id}`)}`,
    ]);
  });

  it('refuses a wrong, another hook\'s, a missing or a Bearer-prefixed Authorization header with 401, storing nothing', async () => {
    const sub = await subscribed('OKTA_TRIGGER_USER_SIGNED_IN');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('OKTA_TRIGGER_USER_SIGNED_IN')).id)!;
    expect((await okta.deliver(hook.id, [userSessionStarted], { authorization: 'ab'.repeat(32) })).status).toBe(401);
    expect((await okta.deliver(hook.id, [userSessionStarted], { authorization: other.auth.value })).status).toBe(401);
    expect((await okta.deliver(hook.id, [userSessionStarted], { authorization: null })).status).toBe(401);
    expect((await okta.deliver(hook.id, [userSessionStarted], { authorization: `Bearer ${hook.auth.value}` })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    // The right header delivers.
    expect((await okta.deliver(hook.id, [userSessionStarted])).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1))[0]!.json).toMatchObject({ triggerType: 'OKTA_TRIGGER_USER_SIGNED_IN', payload: userSessionStarted });
  });

  it('group and app filters keep only events naming that target; a bad id is refused naming the field', async () => {
    const grp = await subscribed('OKTA_TRIGGER_USER_ADDED_TO_GROUP', { groupId: '00g1emaKYZTWRYYRRTSK' });
    const app = await subscribed('OKTA_TRIGGER_APP_ASSIGNED_TO_USER', { appId: '0oaOTHERAPP000000000' });
    const otherGroup = { ...userAddedToGroup, uuid: '14a42b00-74e5-11ee-8a5a-000000000009', target: [userAddedToGroup.target[0]!, { ...userAddedToGroup.target[1]!, id: '00gOTHERGROUP0000000' }] };
    expect((await okta.deliver(hookFor(grp.id)!.id, [userAddedToGroup, otherGroup])).status).toBe(200);
    expect((await okta.deliver(hookFor(app.id)!.id, [appAssignedToUser])).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.json).toMatchObject({ triggerType: 'OKTA_TRIGGER_USER_ADDED_TO_GROUP', payload: userAddedToGroup });

    const bad = await w.subscribe('OKTA_TRIGGER_USER_ADDED_TO_GROUP', { groupId: '../users' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('groupId');
  });

  it('maps Okta errors at subscribe time and leaves no hook behind when verification fails', async () => {
    okta.failNext(1, 403, 'You do not have permission to perform the requested action');
    const r403 = await w.subscribe('OKTA_TRIGGER_USER_DEACTIVATED', {});
    expect(r403.status).toBe(422);
    expect(r403.body.message).toContain('You do not have permission');
    okta.failNext(1, 429, 'API call exceeded rate limit due to too many requests.', { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 3) });
    expect((await w.subscribe('OKTA_TRIGGER_USER_DEACTIVATED', {})).status).toBe(429);
    okta.failNext(1, 503);
    expect((await w.subscribe('OKTA_TRIGGER_USER_DEACTIVATED', {})).status).toBe(502);

    // The hook is created, then Okta cannot verify it: it is deactivated and deleted, and the subscribe fails.
    okta.refuseVerifications = 1;
    const rVerify = await w.subscribe('OKTA_TRIGGER_USER_DEACTIVATED', {});
    expect(rVerify.status).toBe(422);
    expect(rVerify.body.message).toContain('Verification failed');
    expect(okta.hooks.size).toBe(0);
    expect(okta.deletedHooks).toHaveLength(1);
    okta.failNext(1, 401, 'Invalid token provided');
    const r401 = await w.subscribe('OKTA_TRIGGER_USER_DEACTIVATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(okta.apiToken);
    // A refused token marks the credential for reconnection.
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });

  it('checks the hook every hour: deleted or deactivated in Okta, it is created again with a new secret and delivers', async () => {
    const sub = await subscribed('OKTA_TRIGGER_USER_DEACTIVATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = okta.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(okta.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${apiPath(`/eventHooks/${first.id}`)}`]);

    okta.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.verificationStatus).toBe('VERIFIED');
    expect((await okta.deliver(second.id, [userDeactivated], { authorization: first.auth.value })).status).toBe(401);

    second.status = 'INACTIVE';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(okta.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    const third = hookFor(sub.id)!;
    expect(third.id).not.toBe(second.id);
    expect((await okta.deliver(third.id, [userDeactivated])).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1))[0]!.json).toMatchObject({ payload: userDeactivated });
  });
});
