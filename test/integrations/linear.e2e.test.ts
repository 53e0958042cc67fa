// Linear end to end through the public API, on SQLite and PostgreSQL: subscribe → `webhookCreate` at the fake
// Linear (with our secret) → signed webhook → exactly one signed delivery at the receiver → Linear's retry of
// the same delivery (same Linear-Delivery, fresh webhookTimestamp) → no duplicate → unsubscribe →
// `webhookDelete`. Plus: forged/stale deliveries, expired OAuth tokens refreshed, RATELIMITED, 5xx, and the
// hourly `webhook(id)` check that creates a webhook deleted or disabled in Linear again (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { linearEvents, teamId } from '../../src/integrations/linear/fixtures/events.js';
import { linearIntegration } from '../../src/integrations/linear/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeLinear, type FakeLinear } from '../providers/linear.js';

const CASES = [
  { type: 'LINEAR_TRIGGER_ISSUE_CREATED', event: linearEvents.issueCreated, resource: 'Issue' },
  { type: 'LINEAR_TRIGGER_ISSUE_UPDATED', event: linearEvents.issueUpdated, resource: 'Issue' },
  { type: 'LINEAR_TRIGGER_COMMENT_CREATED', event: linearEvents.commentCreated, resource: 'Comment' },
  { type: 'LINEAR_TRIGGER_ISSUE_REMOVED', event: linearEvents.issueRemoved, resource: 'Issue' },
] as const;

describe.each(DIALECTS)('Linear end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let linear: FakeLinear;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const hookFor = (subscriptionId: string) => [...linear.webhooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    linear = await startFakeLinear();
    w = await startIntegrationWorld({
      dialect,
      integration: linearIntegration,
      config: {
        clientId: 'lin-client', clientSecret: 'lin-client-secret', apiBaseUrl: linear.url, tokenUrl: `${linear.url}/oauth/token`,
      },
      credential: { accessToken: 'lin_oauth_valid', providerAccountId: linear.organizationId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await linear.close();
  });

  it.each(CASES)('$type: webhook created, one signed delivery, retry deduplicated, webhook deleted', async ({ type, event, resource }) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'linear', type, parameters: { teamId } });
    expect(r.status, r.text).toBe(200);
    const hook = hookFor(r.body.id);
    expect(hook).toMatchObject({ resourceTypes: [resource], teamId, allPublicTeams: false, enabled: true });
    expect(hook!.secret).toMatch(/^[0-9a-f]{64}$/);

    const first = await linear.deliver(hook!.id, event);
    expect(first.status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    const sent = JSON.parse(linear.buildDelivery(hook!.id, event, { timestampMs: 0 }).body);
    expect(delivery!.json).toMatchObject({
      integration: 'linear', triggerType: type, triggerSubscriptionId: r.body.id, credentialId, userId: 'user-1',
      payload: { ...sent, webhookTimestamp: expect.any(Number) },
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    // Linear retries the delivery: same Linear-Delivery id, new webhookTimestamp and signature.
    const retry = await linear.deliver(hook!.id, event, { deliveryId: first.deliveryId, timestampMs: Date.now() + 1000 });
    expect(retry.status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${r.body.id}`)).body).toEqual({ success: true });
    expect(linear.webhooks.size).toBe(0);
    expect(linear.requests.at(-1)).toMatchObject({ operation: 'webhookDelete', variables: { id: hook!.id } });
  });

  it('uses all public teams without teamId; events of other actions reach no subscription', async () => {
    const r = await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: {} });
    expect(r.status, r.text).toBe(200);
    const hook = hookFor(r.body.id)!;
    expect(hook).toMatchObject({ teamId: null, allPublicTeams: true });
    expect((await linear.deliver(hook.id, linearEvents.issueUpdated)).status).toBe(200);
    await worker.drain();
    expect(await events()).toEqual([]);
  });

  it('refuses forged, stale and tampered deliveries with 401 and stores nothing', async () => {
    const r = await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: {} });
    const hook = hookFor(r.body.id)!;
    expect((await linear.deliver(hook.id, linearEvents.issueCreated, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await linear.deliver(hook.id, linearEvents.issueCreated, { timestampMs: Date.now() - 61_000 })).status).toBe(401);
    const d = linear.buildDelivery(hook.id, linearEvents.issueCreated);
    const tampered = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body.replace('Test issue from the API', 'Forged') });
    expect(tampered.status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
  });

  it('refreshes an expired access token before subscribing, and a rejected one after a 401', async () => {
    linear.refreshTokens.add('lin_refresh_2');
    const expired = await user.post(`${base}/credentials`, {
      integration: 'linear', accessToken: 'lin_oauth_expired', refreshToken: 'lin_refresh_1', expiresAt: Date.now() - 60_000, providerAccountId: linear.organizationId,
    });
    const r1 = await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: {} }, { 'x-paragon-credential': expired.body.id });
    expect(r1.status, r1.text).toBe(200);
    expect(linear.tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(linear.tokenRequests[0]!)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'lin_refresh_1', client_id: 'lin-client' });
    const create1 = linear.requests.find((q) => q.operation === 'webhookCreate')!;
    expect(create1.auth).not.toBe('Bearer lin_oauth_expired');
    expect(linear.tokens.has(create1.auth!.replace('Bearer ', ''))).toBe(true);

    // Not expired on paper, but Linear rejects it: one refresh after the 401, then the call succeeds.
    const revoked = await user.post(`${base}/credentials`, {
      integration: 'linear', accessToken: 'lin_oauth_revoked', refreshToken: 'lin_refresh_2', expiresAt: Date.now() + 3_600_000, providerAccountId: linear.organizationId,
    });
    const r2 = await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_COMMENT_CREATED', parameters: {} }, { 'x-paragon-credential': revoked.body.id });
    expect(r2.status, r2.text).toBe(200);
    expect(linear.tokenRequests).toHaveLength(2);
    expect(linear.webhooks.size).toBe(2);
  });

  it('checks the webhook every hour: one deleted or disabled in Linear is created again and delivers', async () => {
    const r = await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: { teamId } });
    expect(r.status, r.text).toBe(200);
    const id = r.body.id as string;
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${id}/logs`)).body);

    // Still there: one `webhook(id)` query, nothing else.
    const first = hookFor(id)!;
    const before = linear.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(linear.requests.slice(before).map((q) => [q.operation, q.variables])).toEqual([['webhook', { id: first.id }]]);
    expect((await t.svc.storage.subscriptions.get(id))!.renewAt! - Date.now()).toBeGreaterThan(55 * 60_000);

    // A workspace admin deleted it: Linear answers "Entity not found"; a new webhook with a new secret.
    linear.webhooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(id)!;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ resourceTypes: ['Issue'], teamId, enabled: true });
    expect(second.secret).not.toBe(first.secret);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret; events from while it was missing were not sent by the provider and cannot be recovered');
    expect((await linear.deliver(second.id, linearEvents.issueCreated, { secret: first.secret })).status).toBe(401);
    expect((await linear.deliver(second.id, linearEvents.issueCreated)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((d) => (d.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([id]);

    // Disabled in Linear's settings (enabled: false): deleted, and a new one created.
    second.enabled = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(id)!;
    expect([third.id === second.id, third.enabled]).toEqual([false, true]);
    expect(linear.webhooks.has(second.id)).toBe(false);
    expect(linear.webhooks.size).toBe(1);
    expect(linear.requests.filter((q) => q.operation === 'webhookDelete').map((q) => q.variables)).toEqual([{ id: second.id }]);
    expect(await logs()).toContain('the provider had disabled this webhook; removed it and registered a new one with a new secret');
    expect((await user.get(`${base}/trigger-subscriptions/${id}`)).body.status).toBe('ACTIVE');

    // RATELIMITED means "cannot tell", never "gone": nothing is re-created.
    linear.rateLimitNext(1, 30_000);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ rate_limited: 1 });
    expect(hookFor(id)!.id).toBe(third.id);
  });

  it("an operator's sync now checks the webhook at the next renewal pass instead of within the hour", async () => {
    const r = await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: { teamId } });
    expect(r.status, r.text).toBe(200);
    const id = r.body.id as string;
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const admin = `/admin/v1/projects/${project.id}/subscriptions/${id}`;
    const first = hookFor(id)!;
    linear.webhooks.delete(first.id);
    expect((await renewals.runOnce()).subscriptions).toEqual({}); // the hourly check is not due yet

    const before = Date.now();
    const sync = await t.admin.post(`${admin}/sync`, {});
    expect(sync.status, sync.text).toBe(202);
    expect(sync.body).toMatchObject({ sync: false, registrationCheck: true });
    expect(Date.parse(sync.body.dueAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(sync.body.dueAt)).toBeLessThanOrEqual(Date.now());
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(hookFor(id)!.id).not.toBe(first.id);
    const logs = JSON.stringify((await t.admin.get(`${admin}/logs`)).body);
    expect(logs).toContain('check of the provider webhook requested by an operator');
    expect(logs).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again');

    // A renewal due within a lease's length may be running right now: it is left where it is, so that a
    // second renewer cannot register a second webhook beside the first.
    const soon = Date.now() + 60_000;
    await t.svc.storage.subscriptions.update(id, { renewAt: soon });
    const again = await t.admin.post(`${admin}/sync`, {});
    expect(again.status, again.text).toBe(202);
    expect(again.body).toEqual({ dueAt: new Date(soon).toISOString(), sync: false, registrationCheck: true });
    expect((await t.svc.storage.subscriptions.get(id))!.renewAt).toBe(soon);
  });

  it('answers RATELIMITED with 429, a Linear outage with 502, and a refused team with 422 — storing nothing', async () => {
    linear.rateLimitNext(1, 30_000);
    expect((await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: {} })).status).toBe(429);
    linear.failNext(1, 503);
    expect((await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: {} })).status).toBe(502);
    const badTeam = await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: { teamId: 'unknown-team' } });
    expect(badTeam.status).toBe(422);
    expect(badTeam.body.message).toContain('Could not find referenced Team');
    const badParam = await user.post(`${base}/trigger-subscriptions`, { type: 'LINEAR_TRIGGER_ISSUE_CREATED', parameters: { teamId: 'not a team' } });
    expect(badParam.status).toBe(400);
    expect(badParam.body.message).toContain('parameters.teamId');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(linear.webhooks.size).toBe(0);
  });
});
