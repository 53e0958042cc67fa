// Microsoft To Do end to end through the public API, on SQLite and PostgreSQL, against the fake Microsoft Graph:
// subscribe → baseline todoTask delta round before POST /subscriptions on /me/todo/lists/{id}/tasks (clientState =
// the subscription's secret, Graph's validation answered during the create call) → a task is created → a thin
// notification → the task fetched → exactly one signed delivery → Graph's retry → no duplicate → unsubscribe →
// DELETE observed. Plus task completed (once, not for other edits), a wrong clientState refused with nothing
// stored, a lost delta token, and errors (429 → 503 and Graph retries; refusals at subscribe time keep nothing).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { microsoftToDoIntegration } from '../../src/integrations/microsoftToDo/integration.js';
import { DIALECTS } from '../helpers/databases.js';
import { expectSignedDelivery } from '../helpers/integration-world.js';
import { startGraphWorld, type GraphWorld } from '../providers/microsoft-graph.js';

const LIST = 'AAMkADIyAAAAABrJAAA=';
const params = { listId: LIST };

describe.each(DIALECTS)('Microsoft To Do end to end on %s', (dialect) => {
  let w: GraphWorld;
  const deliveries = () => w.receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const titles = () => deliveries().map((d) => d.payload.title as string);

  beforeEach(async () => {
    w = await startGraphWorld(dialect, microsoftToDoIntegration);
    w.graph.addTodoList(LIST, { wellknownListName: 'defaultList' });
    await w.graph.createTodoTask(LIST, 'old'); // in the list before anyone subscribes
    w.clock.advance(1000);
  });
  afterEach(async () => {
    await w.close();
  });

  it('task created: baseline delta, subscription with our clientState, one signed delivery, Graph retry deduped, DELETE on unsubscribe', async () => {
    const r = await w.subscribe('MICROSOFT_TODO_TRIGGER_TASK_CREATED', params);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'ACTIVE', integration: 'microsoftToDo' });
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    expect(gsub).toMatchObject({ resource: `/me/todo/lists/${LIST}/tasks`, changeType: 'created', lifecycleNotificationUrl: w.hookUrl(r.body.id) });
    const stored = (await w.t.svc.storage.subscriptions.get(r.body.id))!;
    expect(gsub.clientState).toBe(stored.secret);
    expect(w.graph.validations.map((v) => [v.ok, v.status, v.contentType.split(';')[0]])).toEqual([[true, 200, 'text/plain'], [true, 200, 'text/plain']]);
    const order = w.graph.requests.map((q) => `${q.method} ${q.path}`);
    expect(order.indexOf(`GET /me/todo/lists/${LIST}/tasks/delta`)).toBeLessThan(order.indexOf('POST /subscriptions'));
    expect(Date.parse(gsub.expirationDateTime) - w.clock.now()).toBeGreaterThan(4200 * 60_000);

    w.clock.advance(1000);
    const { task, deliveries: sent } = await w.graph.createTodoTask(LIST, 'Buy milk', { importance: 'high' });
    expect(sent.map((d) => d.status)).toEqual([200]);
    await w.worker.drain();
    const [delivery] = await w.receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'microsoftToDo', triggerType: 'MICROSOFT_TODO_TRIGGER_TASK_CREATED', triggerSubscriptionId: r.body.id,
      credentialId: w.credentialId, projectId: w.project.id,
      payload: { id: task.id, title: 'Buy milk', importance: 'high', status: 'notStarted' },
    });
    expect((delivery!.json as { payload: Record<string, unknown> }).payload['@odata.context']).toBeUndefined();
    expectSignedDelivery(delivery!, w.project.signingSecret);

    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200); // Graph's retry
    // Graph forgot the delta token and a notification went missing: the full round lists the task again, same key.
    w.graph.expireDeltaTokens();
    expect((await w.graph.sendLifecycle(gsub.id, 'missed')).status).toBe(200);
    await w.worker.drain();
    expect(titles()).toEqual(['Buy milk']);
    expect((await w.events()).map((e) => e.payload.title)).toEqual(['Buy milk']);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${r.body.id}`)).body).toEqual({ success: true });
    expect(w.graph.deletedSubscriptions).toEqual([gsub.id]);
    await w.graph.createTodoTask(LIST, 'after');
    await w.worker.drain();
    expect(titles()).toEqual(['Buy milk']);
  });

  it('task completed: once per completion; other edits and new tasks deliver nothing', async () => {
    const { task } = await w.graph.createTodoTask(LIST, 'Report');
    w.clock.advance(5000);
    const r = await w.subscribe('MICROSOFT_TODO_TRIGGER_TASK_COMPLETED', params);
    expect(r.status, r.text).toBe(200);
    expect(w.graphSubscriptionOf(r.body.id)).toMatchObject({ changeType: 'updated' });
    w.clock.advance(5000);
    await w.graph.updateTodoTask(LIST, task.id, { importance: 'high' });
    await w.graph.createTodoTask(LIST, 'not done');
    w.clock.advance(5000);
    const { task: done, deliveries: sent } = await w.graph.completeTodoTask(LIST, task.id);
    w.clock.advance(5000);
    await w.graph.updateTodoTask(LIST, task.id, { title: 'Report (final)' }); // still completed: no new completion
    for (const d of sent) expect((await w.graph.post(d.url, d.body)).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(deliveries().map((d) => [d.triggerType, d.payload.id, d.payload.status])).toEqual([['MICROSOFT_TODO_TRIGGER_TASK_COMPLETED', task.id, 'completed']]);
    expect(deliveries()[0]!.payload.completedDateTime).toEqual(done.completedDateTime);
    expect(await w.events()).toHaveLength(1);
  });

  it('a wrong clientState is refused (401) and stores nothing; the next genuine notification delivers', async () => {
    const r = await w.subscribe('MICROSOFT_TODO_TRIGGER_TASK_CREATED', params);
    const gsub = w.graphSubscriptionOf(r.body.id)!;
    const forged = w.graph.changeNotificationBody({ ...gsub, clientState: 'guess' }, 'todob2/graph/v1/users(x)/tasks', { id: 'AAMkADforged=' }, 'created');
    const before = w.graph.requests.length;
    expect((await w.graph.post(gsub.notificationUrl, forged)).status).toBe(401);
    await w.worker.drain();
    expect(await w.events()).toEqual([]);
    expect(w.receiver.requests).toHaveLength(0);
    expect(w.graph.requests).toHaveLength(before); // nothing read for it
    await w.graph.createTodoTask(LIST, 'real');
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(titles()).toEqual(['real']);
  });

  it('errors: an expired token is refreshed (scopes sent again); 429 on the fetch → 503 and Graph retries; bad or unknown lists are refused and keep nothing', async () => {
    const r = await w.subscribe('MICROSOFT_TODO_TRIGGER_TASK_CREATED', params);
    expect(r.status, r.text).toBe(200);
    w.graph.validTokens.delete('graph-token-1');
    w.graph.failNext(1, 429, { headers: { 'retry-after': '3' }, match: (m, p) => m === 'GET' && p.includes('/tasks/') && !p.endsWith('/delta') });
    const { deliveries: sent } = await w.graph.createTodoTask(LIST, 'hello');
    expect(sent.map((d) => d.status)).toEqual([503]);
    expect((await w.graph.post(sent[0]!.url, sent[0]!.body)).status).toBe(200);
    await w.worker.drain();
    await w.receiver.waitFor(1);
    expect(titles()).toEqual(['hello']);
    expect(w.graph.tokenRequests.map((f) => f.get('grant_type'))).toEqual(['refresh_token']);
    expect(w.graph.tokenRequests[0]!.get('scope')).toBe('offline_access User.Read Tasks.ReadWrite');

    const before = w.graph.subscriptions.size;
    const bad = await w.subscribe('MICROSOFT_TODO_TRIGGER_TASK_CREATED', { listId: "x'/../y" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/parameters\.listId/);
    expect((await w.subscribe('MICROSOFT_TODO_TRIGGER_TASK_CREATED', {})).status).toBe(400);
    w.graph.failNext(1, 429, { headers: { 'retry-after': '30' } });
    expect((await w.subscribe('MICROSOFT_TODO_TRIGGER_TASK_CREATED', params)).status).toBe(429);
    const unknown = await w.subscribe('MICROSOFT_TODO_TRIGGER_TASK_CREATED', { listId: 'no-such-list' });
    expect(unknown.status).toBe(422);
    expect(w.graph.subscriptions.size).toBe(before);
  });
});
