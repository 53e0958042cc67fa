// Asana end to end through the public API, on SQLite and PostgreSQL: subscribe → `POST /webhooks` at the fake
// Asana, whose X-Hook-Secret handshake reaches the service's hook URL while the create call is still open
// (the engine keeps the secret only because it is registering that subscription) → signed compact events →
// the task fetched → exactly one signed delivery of the task → Asana re-sending the same events → no
// duplicate → unsubscribe → webhook deleted. Plus heartbeats, forged deliveries, a stray handshake that must
// not replace the secret, expired tokens refreshed, 429 while completing an event, and 5xx.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { asanaEvents, completedTask, projectGid, task, taskGid } from '../../src/integrations/asana/fixtures/events.js';
import { asanaIntegration } from '../../src/integrations/asana/integration.js';
import { Renewals } from '../../src/engine/renewals.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeAsana, type FakeAsana } from '../providers/asana.js';

describe.each(DIALECTS)('Asana end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let asana: FakeAsana;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const hookFor = (subscriptionId: string) => [...asana.webhooks.values()].find((h) => h.target === `${t.url}/hooks/s/${subscriptionId}`);
  const subscribe = async (type: string, headers: Record<string, string> = {}) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'asana', type, parameters: { projectId: projectGid } }, headers);
    expect(r.status, r.text).toBe(200);
    const hook = hookFor(r.body.id);
    expect(hook).toBeDefined();
    return { id: r.body.id as string, hook: hook! };
  };

  beforeEach(async () => {
    asana = await startFakeAsana();
    asana.tasks.set(taskGid, task);
    w = await startIntegrationWorld({
      dialect,
      integration: asanaIntegration,
      config: {
        clientId: 'asana-client', clientSecret: 'asana-client-secret', apiBaseUrl: asana.apiBaseUrl, tokenUrl: asana.tokenUrl,
      },
      credential: { accessToken: 'asana_valid_token', providerAccountId: asana.userGid },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await asana.close();
  });

  it('task created: handshake during registration, heartbeat ignored, the fetched task delivered once, webhook deleted', async () => {
    const { id, hook } = await subscribe('ASANA_TRIGGER_TASK_CREATED');
    expect(asana.handshakes).toEqual([{ target: hook.target, status: 200, echoed: hook.secret, secret: hook.secret }]);
    expect(hook).toMatchObject({ resource: projectGid, filters: [{ resource_type: 'task', action: 'added' }] });

    expect((await asana.heartbeat(hook.gid)).status).toBe(200);
    const first = await asana.deliver(hook.gid, [asanaEvents.taskAdded]);
    expect(first.status, first.body).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'asana', triggerType: 'ASANA_TRIGGER_TASK_CREATED', triggerSubscriptionId: id, credentialId, userId: 'user-1', payload: task,
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    // Asana sends the same event again (its retry after a failure looks exactly like this).
    expect((await asana.deliver(hook.gid, [asanaEvents.taskAdded, asanaEvents.taskAdded])).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${id}`)).body).toEqual({ success: true });
    expect(asana.webhooks.size).toBe(0);
  });

  it('checks the webhook every hour: one Asana deleted is registered again, the new handshake secret verifies', async () => {
    const { id, hook } = await subscribe('ASANA_TRIGGER_TASK_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(id, { renewAt: Date.now() - 1 });
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });

    // Deliveries kept failing for 24 hours: Asana deleted the webhook.
    asana.webhooks.delete(hook.gid);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const again = hookFor(id)!;
    expect(again.gid).not.toBe(hook.gid);
    expect(again.secret).not.toBe(hook.secret);
    expect(asana.handshakes.at(-1)).toMatchObject({ target: again.target, status: 200, echoed: again.secret });
    // Signed with the new handshake's secret: accepted and delivered; the old secret no longer is.
    expect((await asana.deliver(again.gid, [asanaEvents.taskAdded])).status).toBe(200);
    expect((await asana.deliver(again.gid, [asanaEvents.taskAdded], { secret: hook.secret })).status).toBe(401);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([id]);
    // Outside a registration, a handshake for the subscription is not answered.
    expect((await fetch(again.target, { method: 'POST', headers: { 'x-hook-secret': 'attacker-secret' }, body: '' })).status).toBe(404);
  });

  it('a parameter change registers a new webhook for the new project and keeps its handshake secret', async () => {
    const { id, hook } = await subscribe('ASANA_TRIGGER_TASK_CREATED');
    asana.projects.add('1234567');
    const patched = await user.patch(`${base}/trigger-subscriptions/${id}`, { parameters: { projectId: '1234567' } });
    expect(patched.status, patched.text).toBe(200);
    const moved = hookFor(id)!;
    expect([moved.resource, moved.gid === hook.gid, asana.webhooks.has(hook.gid)]).toEqual(['1234567', false, false]);
    // The new webhook's deliveries are signed with the secret of its own handshake.
    const task2 = { ...task, gid: '1205', memberships: [{ project: { gid: '1234567', resource_type: 'project', name: 'Other' } }], projects: [{ gid: '1234567', resource_type: 'project', name: 'Other' }] };
    asana.tasks.set(task2.gid, task2);
    const added = { ...asanaEvents.taskAdded, resource: { ...asanaEvents.taskAdded.resource, gid: task2.gid }, parent: { gid: '1234567', resource_type: 'project' } };
    expect((await asana.deliver(moved.gid, [added])).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { payload: { gid: string } }).payload.gid)).toEqual([task2.gid]);
  });

  it('task updated and task completed: one event per task version, completion only when the task is complete', async () => {
    const updated = await subscribe('ASANA_TRIGGER_TASK_UPDATED');
    const completed = await subscribe('ASANA_TRIGGER_TASK_COMPLETED');
    expect(completed.hook.filters).toEqual([{ resource_type: 'task', action: 'changed', fields: ['completed'] }]);

    expect((await asana.deliver(updated.hook.gid, [asanaEvents.taskNameChanged, { ...asanaEvents.taskNameChanged, change: { field: 'notes', action: 'changed' } }])).status).toBe(200);
    asana.tasks.set(taskGid, completedTask);
    expect((await asana.deliver(updated.hook.gid, [asanaEvents.taskCompleted])).status).toBe(200);
    expect((await asana.deliver(completed.hook.gid, [asanaEvents.taskCompleted])).status).toBe(200);
    expect((await asana.deliver(completed.hook.gid, [asanaEvents.taskCompleted])).status).toBe(200); // re-sent
    await worker.drain();
    await receiver.waitFor(3);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerType: string; payload: { modified_at: string; completed: boolean } });
    expect(got.filter((g) => g.triggerType === 'ASANA_TRIGGER_TASK_UPDATED').map((g) => g.payload.modified_at).sort()).toEqual([task.modified_at, completedTask.modified_at].sort());
    expect(got.filter((g) => g.triggerType === 'ASANA_TRIGGER_TASK_COMPLETED').map((g) => g.payload)).toEqual([completedTask]);
    expect(receiver.requests).toHaveLength(3);
  });

  it('refuses forged deliveries, and a stray X-Hook-Secret does not replace the stored secret', async () => {
    const { hook } = await subscribe('ASANA_TRIGGER_TASK_CREATED');
    expect((await asana.deliver(hook.gid, [asanaEvents.taskAdded], { secret: 'guessed' })).status).toBe(401);
    const d = asana.buildDelivery(hook.gid, [asanaEvents.taskAdded]);
    expect((await fetch(d.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: d.body })).status).toBe(401);
    // Someone replays a handshake with their own secret to our URL: answered (it only echoes), never stored.
    const stray = await fetch(hook.target, { method: 'POST', headers: { 'x-hook-secret': 'attacker-secret' }, body: '' });
    expect(stray.status).toBeLessThan(500);
    expect((await asana.deliver(hook.gid, [asanaEvents.taskAdded], { secret: 'attacker-secret' })).status).toBe(401);
    expect((await asana.deliver(hook.gid, [asanaEvents.taskAdded])).status).toBe(200);
    await worker.drain();
    expect((await events()).map((e) => e.payload)).toEqual([task]);
  });

  it('asks Asana to retry when completing an event hits a 429 or a 5xx, and delivers once it succeeds', async () => {
    const { hook } = await subscribe('ASANA_TRIGGER_TASK_CREATED');
    asana.failNext(1, 429, { 'retry-after': '30' });
    const limited = await asana.deliver(hook.gid, [asanaEvents.taskAdded]);
    expect(limited.status).toBeGreaterThanOrEqual(500);
    asana.failNext(1, 500);
    expect((await asana.deliver(hook.gid, [asanaEvents.taskAdded])).status).toBeGreaterThanOrEqual(500);
    expect(await events()).toEqual([]);
    expect((await asana.deliver(hook.gid, [asanaEvents.taskAdded])).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
    expect(await events()).toHaveLength(1);
  });

  it('refreshes an expired access token before creating the webhook', async () => {
    const expired = await user.post(`${base}/credentials`, {
      integration: 'asana', accessToken: 'asana_expired', refreshToken: 'asana_refresh_1', expiresAt: Date.now() - 1000, providerAccountId: asana.userGid,
    });
    const { hook } = await subscribe('ASANA_TRIGGER_TASK_COMPLETED', { 'x-paragon-credential': expired.body.id });
    const token = asana.requests.find((r) => r.path === '/-/oauth_token');
    expect(token?.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'asana_refresh_1', client_id: 'asana-client' });
    const create = asana.requests.find((r) => r.method === 'POST' && r.path === '/api/1.0/webhooks')!;
    expect(create.auth).not.toBe('Bearer asana_expired');
    expect(hook.resource).toBe(projectGid);
  });

  it('reports refusals at subscribe time and stores nothing: unknown project, 429, 5xx, bad parameter', async () => {
    const unknown = await user.post(`${base}/trigger-subscriptions`, { type: 'ASANA_TRIGGER_TASK_CREATED', parameters: { projectId: '4242' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('Unknown object');
    asana.failNext(1, 429, { 'retry-after': '10' });
    expect((await user.post(`${base}/trigger-subscriptions`, { type: 'ASANA_TRIGGER_TASK_CREATED', parameters: { projectId: projectGid } })).status).toBe(429);
    asana.failNext(1, 503);
    expect((await user.post(`${base}/trigger-subscriptions`, { type: 'ASANA_TRIGGER_TASK_CREATED', parameters: { projectId: projectGid } })).status).toBe(502);
    expect((await user.post(`${base}/trigger-subscriptions`, { type: 'ASANA_TRIGGER_TASK_CREATED', parameters: {} })).status).toBe(400);
    expect((await user.post(`${base}/trigger-subscriptions`, { type: 'ASANA_TRIGGER_TASK_CREATED', parameters: { projectId: 'abc' } })).status).toBe(400);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(asana.webhooks.size).toBe(0);
  });
});
