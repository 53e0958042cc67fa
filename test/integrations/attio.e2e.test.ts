// Attio end to end through the public API, on SQLite and PostgreSQL: subscribe → an Attio webhook at the fake
// (our per-subscription URL, the trigger's event type, for record triggers a filter on the object's id; Bearer
// token) with the secret Attio returned stored → a change in Attio → the thin event signed with that secret →
// the record/note/task/entry read back → one signed delivery at the receiver → Attio's retry of the same message
// adds nothing → unsubscribe deletes the webhook. Plus bad signatures refused, bad parameters named, errors mapped
// and the hourly check re-creating a deleted or degraded webhook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { attioIntegration } from '../../src/integrations/attio/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeAttio, type AttioHook, type FakeAttio } from '../providers/attio.js';

describe.each(DIALECTS)('Attio end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let at: FakeAttio;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const hookFor = (subscriptionId: string): AttioHook | undefined => [...at.hooks.values()].find((h) => h.target_url === `${t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    at = await startFakeAttio();
    w = await startIntegrationWorld({
      dialect,
      integration: attioIntegration,
      config: { clientId: 'attio-client', clientSecret: 'attio-client-secret', apiBaseUrl: at.apiBaseUrl },
      credential: { accessToken: at.token, providerAccountId: at.workspaceId },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await at.close();
  });

  it('record created (people): filtered webhook, record read back, one signed delivery, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('ATTIO_TRIGGER_RECORD_CREATED', { object: 'people' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    const peopleId = at.objects.get('people')!.object_id;
    expect(hook.subscriptions).toEqual([{ event_type: 'record.created', filter: { $and: [{ field: 'id.object_id', operator: 'equals', value: peopleId }] } }]);
    expect(at.requests.find((r) => r.method === 'POST')!.auth).toBe(`Bearer ${at.token}`);
    const stored = await t.svc.storage.subscriptions.get(sub.id);
    expect(JSON.stringify(stored)).toContain(hook.id);

    // A company is filtered out by Attio; a person is delivered.
    expect((await at.createRecord('companies', { name: [{ value: 'Acme' }] })).deliveries).toEqual([]);
    const { recordId, deliveries } = await at.createRecord('people', { name: [{ full_name: 'Ada Lovelace' }] });
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      integration: 'attio', triggerType: 'ATTIO_TRIGGER_RECORD_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: {
        webhook_id: hook.id,
        event: { event_type: 'record.created', id: { object_id: peopleId, record_id: recordId } },
        record: { id: { record_id: recordId }, values: { name: [{ full_name: 'Ada Lovelace' }] } },
      },
    });
    expectSignedDelivery(sent!, project.signingSecret);
    expect(at.requests.some((r) => r.method === 'GET' && r.path === `/v2/objects/${peopleId}/records/${recordId}`)).toBe(true);

    // Attio retries the same message (same Idempotency-Key): acknowledged, nothing new.
    const event = { event_type: 'record.created', id: { workspace_id: at.workspaceId, object_id: peopleId, record_id: recordId }, actor: { type: 'workspace-member', id: 'x' } };
    expect((await at.deliver(hook.id, [event], { idempotencyKey: deliveries[0]!.idempotencyKey })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(at.hooks.size).toBe(0);
    expect(at.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(at.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v2/webhooks/${hook.id}` });
  });

  it('record updated (deals by id): one delivery per message, keyed by the Idempotency-Key; a retry adds nothing', async () => {
    const dealsId = at.objects.get('deals')!.object_id;
    const sub = await subscribed('ATTIO_TRIGGER_RECORD_UPDATED', { object: dealsId });
    const hook = hookFor(sub.id)!;
    const { recordId } = await at.createRecord('deals', { value: [{ currency_value: 100 }] });
    const [first] = await at.updateRecord('deals', recordId, 'attr-value', { value: [{ currency_value: 250 }] });
    await at.updateRecord('deals', recordId, 'attr-value', { value: [{ currency_value: 300 }] });
    const event = { event_type: 'record.updated', id: { workspace_id: at.workspaceId, object_id: dealsId, record_id: recordId, attribute_id: 'attr-value' }, actor: {} };
    expect((await at.deliver(hook.id, [event], { idempotencyKey: first!.idempotencyKey })).status).toBe(200);
    await worker.drain();
    const sent = await receiver.waitFor(2);
    expect(sent.map((s) => (s.json as any).payload.event.id.attribute_id)).toEqual(['attr-value', 'attr-value']);
    expect((sent[1]!.json as any).payload.record.values.value).toEqual([{ currency_value: 300 }]);
    expect(await w.events()).toHaveLength(2);
  });

  it('note, task and list entry created: each read back and delivered', async () => {
    const noteSub = await subscribed('ATTIO_TRIGGER_NOTE_CREATED');
    const taskSub = await subscribed('ATTIO_TRIGGER_TASK_CREATED');
    const entrySub = await subscribed('ATTIO_TRIGGER_LIST_ENTRY_CREATED');
    expect(hookFor(noteSub.id)!.subscriptions).toEqual([{ event_type: 'note.created', filter: null }]);
    const { noteId } = await at.createNote('people', 'rec-1', 'Intro call');
    const { taskId } = await at.createTask('Send the proposal');
    const { entryId } = await at.addEntry('list-1', 'people', 'rec-1');
    await worker.drain();
    const sent = await receiver.waitFor(3);
    const by = (id: string) => (sent.find((s) => (s.json as any).triggerSubscriptionId === id)!.json as any).payload;
    expect(by(noteSub.id)).toMatchObject({ event: { event_type: 'note.created', id: { note_id: noteId } }, note: { title: 'Intro call' } });
    expect(by(taskSub.id)).toMatchObject({ event: { id: { task_id: taskId } }, task: { content_plaintext: 'Send the proposal' } });
    expect(by(entrySub.id)).toMatchObject({ event: { id: { entry_id: entryId } }, entry: { parent_record_id: 'rec-1' } });
    expect(receiver.requests).toHaveLength(3);
  });

  it('refuses a bad signature, another webhook\'s secret and a missing signature with 401, storing nothing', async () => {
    const sub = await subscribed('ATTIO_TRIGGER_TASK_CREATED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('ATTIO_TRIGGER_TASK_CREATED')).id)!;
    at.tasks.set('t-1', { id: { task_id: 't-1' } });
    const event = { event_type: 'task.created', id: { workspace_id: at.workspaceId, task_id: 't-1' }, actor: {} };
    expect((await at.deliver(hook.id, [event], { secret: 'ab'.repeat(32) })).status).toBe(401);
    expect((await at.deliver(hook.id, [event], { secret: other.secret })).status).toBe(401);
    expect((await at.deliver(hook.id, [event], { headers: { 'attio-signature': '', 'x-attio-signature': '' } })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('names a bad object parameter, maps errors at subscribe time and stores nothing', async () => {
    const missing = await w.subscribe('ATTIO_TRIGGER_RECORD_CREATED', {});
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('object');
    expect((await w.subscribe('ATTIO_TRIGGER_RECORD_CREATED', { object: 'people/../x' })).status).toBe(400);
    const unknown = await w.subscribe('ATTIO_TRIGGER_RECORD_CREATED', { object: 'invoices' });
    expect([unknown.status, unknown.body.message]).toEqual([422, expect.stringContaining('parameter object')]);

    at.failNext(1, 429, { status_code: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit exceeded, please try again later' }, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
    expect((await w.subscribe('ATTIO_TRIGGER_NOTE_CREATED', {})).status).toBe(429);
    at.failNext(1, 503);
    expect((await w.subscribe('ATTIO_TRIGGER_NOTE_CREATED', {})).status).toBe(502);
    at.failNext(1, 400, { status_code: 400, type: 'invalid_request_error', code: 'validation_type', message: 'Body payload validation error' });
    const r400 = await w.subscribe('ATTIO_TRIGGER_NOTE_CREATED', {});
    expect([r400.status, r400.body.message]).toEqual([422, expect.stringContaining('Body payload validation error')]);
    at.failNext(1, 401, { status_code: 401, type: 'auth_error', code: 'unauthorized', message: 'Invalid access token' });
    const r401 = await w.subscribe('ATTIO_TRIGGER_NOTE_CREATED', {});
    expect(r401.status).toBeGreaterThanOrEqual(400);
    expect(r401.text).not.toContain(at.token);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(at.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one deleted or degraded in Attio is created again and delivers', async () => {
    const sub = await subscribed('ATTIO_TRIGGER_TASK_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = at.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(at.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v2/webhooks/${first.id}`]);

    at.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);

    second.status = 'degraded';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.status]).toEqual([false, 'active']);
    expect(at.deletedHooks.map((h) => h.id)).toEqual([second.id]);

    await at.createTask('After re-creation');
    await worker.drain();
    await receiver.waitFor(1);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
