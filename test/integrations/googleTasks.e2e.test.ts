// Google Tasks end to end through the public API, on SQLite and PostgreSQL, with the real Poller and
// delivery worker against the fake Tasks API: subscribe → baseline (list checked, existing tasks not
// delivered) → new, completed and deleted tasks delivered once, signed → unsubscribe stops polling; a bad
// tasklist refused naming the field; an unknown list refused with Google's message; 429 backed off; an
// expired token refreshed, a revoked one marking the credential INVALID.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { googleTasksIntegration } from '../../src/integrations/googleTasks/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { rateLimited } from '../providers/google-calendar.js';
import { startFakeGoogleTasks, type FakeGoogleTasks } from '../providers/googleTasks.js';

const CREATED = 'GOOGLE_TASKS_TRIGGER_TASK_CREATED';
const COMPLETED = 'GOOGLE_TASKS_TRIGGER_TASK_COMPLETED';
const DELETED = 'GOOGLE_TASKS_TRIGGER_TASK_DELETED';
const LIST = 'MTAxMjM0NTY3ODkwMTIzNDU2Nzg6MDow';

describe.each(DIALECTS)('Google Tasks end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let g: FakeGoogleTasks;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const tick = async (ms = 60_000) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };
  const delivered = () => receiver.requests.map((r) => r.json as { triggerType: string; payload: { id: string } });

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    g = await startFakeGoogleTasks({ now: clock.now });
    g.addList(LIST, 'My Tasks');
    w = await startIntegrationWorld({
      dialect,
      integration: googleTasksIntegration,
      now: clock.now,
      poller: true,
      config: { clientId: 'google-client', clientSecret: 'google-client-secret', apiBaseUrl: g.url, tokenUrl: `${g.url}/token` },
      credential: { accessToken: 'valid-token', refreshToken: 'valid-refresh-token', providerAccountId: 'lpage@example.com' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await g.close();
  });

  it('baseline delivers nothing; new, completed and deleted tasks are each delivered once, signed; unsubscribe stops polling', async () => {
    g.insert(LIST, 'old', {}, clock.now() - 86_400_000);
    g.insert(LIST, 'recent', {}, clock.now() - 30_000);
    const created = subscriptionOf(await w.subscribe(CREATED, {}));
    expect(created.parameters).toEqual({ tasklist: '@default' });
    const completed = subscriptionOf(await w.subscribe(COMPLETED, { tasklist: LIST }));
    const deleted = subscriptionOf(await w.subscribe(DELETED, {}));
    await tick();
    expect(receiver.requests).toHaveLength(0);

    g.insert(LIST, 'new-1', { title: 'Call the plumber' });
    await tick();
    const [first] = await receiver.waitFor(1);
    expect(first!.json).toMatchObject({
      integration: 'googleTasks', triggerType: CREATED, triggerSubscriptionId: created.id, credentialId,
      payload: { id: 'new-1', title: 'Call the plumber', status: 'needsAction', taskList: { id: LIST, title: 'My Tasks' } },
    });
    expectSignedDelivery(first!, project.signingSecret);

    g.complete(LIST, 'old', { inApp: true });
    g.remove(LIST, 'recent');
    await tick();
    await tick();
    expect(delivered().map((d) => [d.triggerType, d.payload.id]).sort()).toEqual([[COMPLETED, 'old'], [CREATED, 'new-1'], [DELETED, 'recent']].sort());
    expect(receiver.requests.find((r) => (r.json as { triggerType: string }).triggerType === DELETED)!.json).toMatchObject({ triggerSubscriptionId: deleted.id });
    expect(receiver.requests.find((r) => (r.json as { triggerType: string }).triggerType === COMPLETED)!.json).toMatchObject({ triggerSubscriptionId: completed.id });

    for (const s of [created, completed, deleted]) expect((await user.delete(`${base}/trigger-subscriptions/${s.id}`)).body).toEqual({ success: true });
    const calls = g.requests.length;
    g.insert(LIST, 'after');
    await tick(60 * 60_000);
    expect(g.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(3);
  });

  it('a bad tasklist is refused naming the field, before any call; an unknown list is refused with Google\'s message', async () => {
    const bad = await w.subscribe(CREATED, { tasklist: 'https://tasks.google.com/list/x' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('tasklist');
    expect(g.requests).toEqual([]);
    const missing = await w.subscribe(CREATED, { tasklist: 'NoSuchList' });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    expect(missing.text).toContain('NoSuchList');
    expect(missing.text).toContain('Not Found');
    expect(missing.text).not.toContain('valid-token');
    expect(g.listCalls()).toEqual([]);
  });

  it('backs off on 429 without erroring, and loses nothing', async () => {
    const sub = subscriptionOf(await w.subscribe(CREATED, {}));
    g.insert(LIST, 'busy');
    g.failNext(1, rateLimited.tooMany(120));
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
    expect(receiver.requests).toHaveLength(0);
    await tick(120_000);
    expect(delivered().map((d) => d.payload.id)).toEqual(['busy']);
  });

  it('401: refreshes an expired token and polls on; a revoked refresh token marks the credential INVALID', async () => {
    const sub = subscriptionOf(await w.subscribe(CREATED, {}));
    g.validTokens.delete('valid-token');
    g.insert(LIST, 'after-expiry');
    await tick();
    expect(g.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'valid-refresh-token' })]);
    expect(delivered().map((d) => d.payload.id)).toEqual(['after-expiry']);

    g.validTokens.clear();
    g.refreshTokens.clear();
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('INVALID');
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ERRORED');
    const logs = JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);
    expect(logs).not.toContain('valid-refresh-token');
  });
});
