// Clockify end to end through the public API, on SQLite and PostgreSQL: subscribe → a webhook in the workspace at
// the fake Clockify (our per-subscription URL, the trigger's webhookEvent, the workspace as trigger source; the
// key as X-Api-Key) → Clockify's token-bearing delivery → delivered, signed, to the project's receiver → the same
// delivery again adds nothing → unsubscribe deletes the webhook. Plus wrong, missing or another webhook's tokens
// (401, nothing stored), another event type ignored, and Clockify's errors and bad input at subscribe time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import client from '../../src/integrations/clockify/fixtures/client.json' with { type: 'json' };
import project from '../../src/integrations/clockify/fixtures/project.json' with { type: 'json' };
import entry from '../../src/integrations/clockify/fixtures/time-entry.json' with { type: 'json' };
import { clockifyIntegration } from '../../src/integrations/clockify/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeClockify, type ClockifyHook, type FakeClockify } from '../providers/clockify.js';

describe.each(DIALECTS)('Clockify end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ck: FakeClockify;
  let receiver: FakeReceiver;
  let testProject: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = { workspaceId: ck.workspaceId }) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): ClockifyHook | undefined => [...ck.hooks.values()].find((h) => h.url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    ck = await startFakeClockify();
    w = await startIntegrationWorld({
      dialect,
      integration: clockifyIntegration,
      config: { apiBaseUrl: ck.apiBaseUrl },
      credential: { apiKey: ck.apiKey, providerAccountId: ck.userId },
    });
    ({ t, receiver, project: testProject, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await ck.close();
  });

  it('time entry created: a workspace webhook, the entry delivered once with the token checked, deleted on unsubscribe', async () => {
    const sub = await subscribed('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ workspaceId: ck.workspaceId, webhookEvent: 'NEW_TIME_ENTRY', triggerSourceType: 'WORKSPACE_ID', triggerSource: [ck.workspaceId] });
    const post = ck.requests.find((r) => r.method === 'POST')!;
    expect(post.path).toBe(`/api/v1/workspaces/${ck.workspaceId}/webhooks`);
    expect(post.headers['x-api-key']).toBe(ck.apiKey);
    expect(Object.keys(post.body).sort()).toEqual(['name', 'triggerSource', 'triggerSourceType', 'url', 'webhookEvent']);

    expect((await ck.emit(hook.id, entry)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'clockify', triggerType: 'CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: testProject.id,
      payload: entry,
    });
    expectSignedDelivery(sent!, testProject.signingSecret);
    expect(sent!.rawBody.toString('utf8')).not.toContain(hook.authToken);

    // The same delivery again: acknowledged, nothing new.
    expect((await ck.emit(hook.id, entry)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ck.hooks.size).toBe(0);
    expect(ck.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(ck.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/workspaces/${ck.workspaceId}/webhooks/${hook.id}` });
  });

  it('time entry updated, timer stopped, project and client created: one delivery per distinct event', async () => {
    const updated = hookFor((await subscribed('CLOCKIFY_TRIGGER_TIME_ENTRY_UPDATED')).id)!;
    const stopped = hookFor((await subscribed('CLOCKIFY_TRIGGER_TIMER_STOPPED')).id)!;
    const projects = hookFor((await subscribed('CLOCKIFY_TRIGGER_PROJECT_CREATED')).id)!;
    const clients = hookFor((await subscribed('CLOCKIFY_TRIGGER_CLIENT_CREATED')).id)!;
    expect([updated, stopped, projects, clients].map((h) => h.webhookEvent)).toEqual(['TIME_ENTRY_UPDATED', 'TIMER_STOPPED', 'NEW_PROJECT', 'NEW_CLIENT']);

    const edit1 = { ...entry, description: 'first edit' };
    const edit2 = { ...entry, description: 'second edit' };
    for (const body of [edit1, edit1, edit2]) expect((await ck.emit(updated.id, body)).status).toBe(200);
    const laterStop = { ...entry, timeInterval: { ...entry.timeInterval, end: '2024-05-01T11:00:00Z' } };
    for (const body of [entry, entry, laterStop]) expect((await ck.emit(stopped.id, body)).status).toBe(200);
    expect((await ck.emit(projects.id, project)).status).toBe(200);
    expect((await ck.emit(clients.id, client)).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(6);
    const seen = sent.map((r) => r.json as { triggerType: string; payload: { id: string; description?: string; name?: string; timeInterval?: { end: string } } })
      .map((j) => `${j.triggerType}:${j.payload.description ?? j.payload.name}:${j.payload.timeInterval?.end ?? ''}`).sort();
    expect(seen).toEqual([
      `CLOCKIFY_TRIGGER_CLIENT_CREATED:${client.name}:`,
      `CLOCKIFY_TRIGGER_PROJECT_CREATED:${project.name}:`,
      `CLOCKIFY_TRIGGER_TIMER_STOPPED:${entry.description}:${entry.timeInterval.end}`,
      `CLOCKIFY_TRIGGER_TIMER_STOPPED:${entry.description}:2024-05-01T11:00:00Z`,
      `CLOCKIFY_TRIGGER_TIME_ENTRY_UPDATED:first edit:${entry.timeInterval.end}`,
      `CLOCKIFY_TRIGGER_TIME_ENTRY_UPDATED:second edit:${entry.timeInterval.end}`,
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.requests).toHaveLength(6);
  });

  it("refuses a wrong, missing or another webhook's token with 401, storing nothing; ignores another event type", async () => {
    const hook = hookFor((await subscribed('CLOCKIFY_TRIGGER_PROJECT_CREATED')).id)!;
    const other = hookFor((await subscribed('CLOCKIFY_TRIGGER_PROJECT_CREATED')).id)!;
    expect((await ck.emit(hook.id, project, { token: `${hook.authToken}x` })).status).toBe(401);
    expect((await ck.emit(hook.id, project, { token: null })).status).toBe(401);
    expect((await ck.emit(hook.id, project, { token: other.authToken })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    // Genuine, but for another event than the webhook's: accepted, nothing delivered.
    expect((await ck.emit(hook.id, client, { event: 'NEW_CLIENT' })).status).toBe(200);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    // The genuine one is accepted: the refusals above were the token's.
    expect((await ck.emit(hook.id, project)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it("maps Clockify's errors at subscribe time and refuses bad input, storing nothing", async () => {
    ck.failNext(1, 400, { message: 'Webhook limit reached for this user', code: 501 });
    const r400 = await w.subscribe('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', { workspaceId: ck.workspaceId });
    expect(r400.status).toBe(422);
    expect(r400.body.message).toContain('Webhook limit reached');
    ck.failNext(1, 429, { message: 'Too many requests', code: 429 });
    expect((await w.subscribe('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', { workspaceId: ck.workspaceId })).status).toBe(429);
    ck.failNext(1, 503);
    expect((await w.subscribe('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', { workspaceId: ck.workspaceId })).status).toBe(502);
    // Another workspace, not the key owner's to manage.
    const r403 = await w.subscribe('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', { workspaceId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(r403.status).toBe(422);
    expect(r403.body.message).toContain('Access Denied');

    const before = ck.requests.length;
    for (const parameters of [{}, { workspaceId: 'my workspace' }, { workspaceId: '../../user' }]) {
      const bad = await w.subscribe('CLOCKIFY_TRIGGER_TIMER_STOPPED', parameters);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('workspaceId');
    }
    expect(ck.requests.length).toBe(before);

    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(ck.hooks.size).toBe(0);

    // Last: a refused key marks the credential INVALID (a key cannot be refreshed), without echoing it.
    ck.failNext(1, 401, { message: 'Full authentication is required to access this resource', code: 1000 });
    const r401 = await w.subscribe('CLOCKIFY_TRIGGER_TIME_ENTRY_CREATED', { workspaceId: ck.workspaceId });
    expect([r401.status, r401.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
    expect(r401.text).not.toContain(ck.apiKey);
    expect((await user.get(`${base}/credentials`)).body.credentials).toEqual([expect.objectContaining({ status: 'INVALID' })]);
  });
});
