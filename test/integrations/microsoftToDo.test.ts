// Microsoft To Do, unit and source level: the catalog entries, the created / updated / completed rules and their
// keys (on Microsoft's published todoTask example), the list parameter, clientState verification, and the
// triggers' register / toItems / catchUp against the fake Microsoft Graph over real HTTP (thin notifications
// naming the task, which is fetched; the todoTask delta query as the catch-up), with Graph's error answers mapped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import notificationFixture from '../../src/integrations/microsoftToDo/fixtures/notification.json' with { type: 'json' };
import taskFixture from '../../src/integrations/microsoftToDo/fixtures/todo-task.json' with { type: 'json' };
import { clientStateScheme, microsoftToDoIntegration } from '../../src/integrations/microsoftToDo/integration.js';
import { CREATION_SETTLE_MS, completedItem, createdItem, listIdParameter, notifiedTaskId, updatedItem, type TodoTask } from '../../src/integrations/microsoftToDo/tasks.js';
import {
  ProviderError,
  verifyRequest,
  type InboundRequest,
  type Item,
  type Logger,
  type RegisterContext,
  type WebhookItems,
  type WebhookSource,
} from '../../src/sdk/index.js';
import { startFakeGraph, startHookReceiver, type FakeGraph, type HookReceiver } from '../providers/microsoft-graph.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const SECRET = 's'.repeat(64);
const T0 = Date.parse('2026-03-02T17:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();
const LIST = 'AAMkADIyAAAAABrJAAA=';
const CREATED = 'MICROSOFT_TODO_TRIGGER_TASK_CREATED';
const UPDATED = 'MICROSOFT_TODO_TRIGGER_TASK_UPDATED';
const COMPLETED = 'MICROSOFT_TODO_TRIGGER_TASK_COMPLETED';

function source(type: string): WebhookSource {
  const t = microsoftToDoIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource;
}
const asItems = (r: Item[] | WebhookItems) => (Array.isArray(r) ? { items: r, state: undefined } : r);
const task = (over: Partial<TodoTask>): TodoTask => ({ ...taskFixture, createdDateTime: at(T0 + 1000), lastModifiedDateTime: at(T0 + 1200), ...over });

describe('Microsoft To Do catalog entries', () => {
  it('declares the key, the three trigger types, the list parameter and Tasks.ReadWrite', () => {
    expect(microsoftToDoIntegration.key).toBe('microsoftToDo');
    expect(microsoftToDoIntegration.triggers.map((t) => t.type).sort()).toEqual([COMPLETED, CREATED, UPDATED]);
    for (const t of microsoftToDoIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.type, p.required])).toEqual([['listId', 'TEXT', true]]);
      expect(t.examplePayload).toEqual(taskFixture);
      expect(t.source.kind).toBe('webhook');
      // Fed by a delta query that re-reads changes: no redeliveryDays (markers are kept).
      expect((t.source as WebhookSource).redeliveryDays).toBeUndefined();
    }
    const auth = microsoftToDoIntegration.auth;
    expect(auth.kind === 'oauth2' && auth.scopes).toEqual(['offline_access', 'User.Read', 'Tasks.ReadWrite']);
  });

  it('listId: a Graph id (with = and +); path separators, quotes, spaces and non-strings are refused', () => {
    expect(listIdParameter.validate!(LIST)).toBeNull();
    expect(listIdParameter.validate!('AQMkADAwATM0MDAAMS0yMDkyLWVjMzYtMDACLTAwCgAuAAAD+x==')).toBeNull();
    for (const bad of ['../x', "a'b", 'a b', 'a?b', 'a#b', '', 42, null]) expect(listIdParameter.validate!(bad)).toMatch(/Microsoft Graph id/);
  });

  it('verifies clientState on every notification: right secret ok, wrong one refused', () => {
    const body = JSON.stringify({ value: [{ ...notificationFixture.value[0], clientState: SECRET }] });
    const req = (b: string): InboundRequest => ({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(b), body: JSON.parse(b) });
    expect(verifyRequest(clientStateScheme, req(body), { secret: SECRET }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(clientStateScheme, req(body.replace(SECRET, 't'.repeat(64))), { secret: SECRET }, Date.now()).ok).toBe(false);
  });

  it('the notified task id: resourceData.id, else the resource path', () => {
    expect(notifiedTaskId(notificationFixture.value[0]!)).toBe(taskFixture.id);
    expect(notifiedTaskId({ resource: `me/todo/lists/${LIST}/tasks/AbC=` })).toBe('AbC=');
    expect(notifiedTaskId({ resource: `Users('u')/todo/lists('${LIST}')/tasks('XyZ=')` })).toBe('XyZ=');
    expect(notifiedTaskId({ resource: 'todob2/graph/v1/users(u)/tasks' })).toBeNull();
  });
});

describe('Microsoft To Do change rules', () => {
  const fresh = task({ id: 'new' });
  const old = task({ id: 'old', createdDateTime: at(T0 - 60_000), lastModifiedDateTime: at(T0 - 59_800) });
  const edited = task({ id: 'edited', createdDateTime: at(T0 - 60_000), lastModifiedDateTime: at(T0 + 5000) });
  const done = task({ id: 'done', createdDateTime: at(T0 - 60_000), lastModifiedDateTime: at(T0 + 7000), status: 'completed', completedDateTime: { dateTime: '2026-03-02T17:00:07.0000000', timeZone: 'UTC' } });
  const removed = { id: 'gone', '@removed': { reason: 'deleted' } } as TodoTask;

  it('created: tasks created at or after the baseline, keyed by id', () => {
    expect([fresh, old, edited, done, removed].map((t) => createdItem(t, T0)).filter(Boolean)).toEqual([{ key: 'new', payload: fresh, occurredAt: T0 + 1000 }]);
  });

  it('updated: modified after the baseline and more than the creation settle time after creation, keyed by id and lastModifiedDateTime', () => {
    const items = [fresh, old, edited, done, removed].map((t) => updatedItem(t, T0)).filter(Boolean);
    expect(items.map((i) => i!.key)).toEqual([`edited:${at(T0 + 5000)}`, `done:${at(T0 + 7000)}`]);
    // A new task's own first save (lastModified a moment after created) is not an update.
    expect(updatedItem(task({ createdDateTime: at(T0 + 1), lastModifiedDateTime: at(T0 + 1 + CREATION_SETTLE_MS) }), T0)).toBeNull();
    expect(updatedItem(edited, T0)).toEqual(updatedItem(structuredClone(edited), T0));
  });

  it('completed: status completed, modified after the baseline, keyed by id and completedDateTime', () => {
    expect(completedItem(done, T0)).toEqual({ key: 'done:completed:2026-03-02T17:00:07.0000000', payload: done, occurredAt: T0 + 7000 });
    // An edit of a completed task keeps the key; a completion before the subscription is not one of it.
    expect(completedItem({ ...done, title: 'renamed', lastModifiedDateTime: at(T0 + 9000) }, T0)!.key).toBe(completedItem(done, T0)!.key);
    expect(completedItem({ ...done, lastModifiedDateTime: at(T0 - 1) }, T0)).toBeNull();
    expect([fresh, edited, removed].map((t) => completedItem(t, T0))).toEqual([null, null, null]);
  });
});

describe('Microsoft To Do triggers against the fake Graph', () => {
  let fake: FakeGraph;
  let hook: HookReceiver;
  let clock = T0;
  const ctxWith = (params: Record<string, unknown>, token = 'graph-token-1'): Omit<RegisterContext, 'hookUrl' | 'secret'> => ({
    http: createProviderHttp({ integration: microsoftToDoIntegration, apiBaseUrl: fake.apiBaseUrl, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) } }),
    params,
    credential: { id: 'cred-1', providerAccountId: fake.user.id, extra: {} },
    log: silent,
    signal: new AbortController().signal,
    now: () => clock,
  });
  const params = { listId: LIST };

  beforeEach(async () => {
    clock = T0;
    fake = await startFakeGraph({ now: () => clock });
    fake.addTodoList(LIST, { wellknownListName: 'defaultList' });
    hook = await startHookReceiver(source(CREATED).handshakes ?? []);
  });
  afterEach(async () => {
    await fake.close();
    await hook.close();
  });

  it('register: a full delta round as the baseline, then a subscription on the list tasks (created, ~3 days); a notification fetches the task', async () => {
    await fake.createTodoTask(LIST, 'already there');
    clock += 1000;
    const src = source(CREATED);
    const base = ctxWith(params);
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /me/todo/lists/${LIST}/tasks/delta`, 'POST /subscriptions']);
    expect(fake.requests[0]!.headers.prefer).toBe('odata.maxpagesize=100');
    const [sub] = [...fake.subscriptions.values()];
    expect(sub).toMatchObject({ resource: `/me/todo/lists/${LIST}/tasks`, changeType: 'created', notificationUrl: hook.url, lifecycleNotificationUrl: hook.url, clientState: SECRET });
    expect(reg.expiresAt! - T0).toBeGreaterThan(4200 * 60_000);
    expect(reg.expiresAt! - clock).toBeLessThanOrEqual(4230 * 60_000);

    clock += 1000;
    const { task: t, deliveries } = await fake.createTodoTask(LIST, 'Buy milk');
    expect(deliveries.map((d) => d.status)).toEqual([202]);
    const req = hook.received[0]!;
    const r = asItems(await src.toItems(req, { ...base, state: reg.state }));
    expect(r.items).toEqual([{ key: t.id, payload: t, occurredAt: Date.parse(t.createdDateTime) }]);
    expect(fake.requests.at(-1)!.path).toBe(`/me/todo/lists/${LIST}/tasks/${t.id}`);
    // The task was deleted before we looked: nothing, and no error.
    await fake.deleteTodoTask(LIST, t.id);
    expect(asItems(await src.toItems(req, { ...base, state: reg.state })).items).toEqual([]);
  });

  it('updated and completed: notifications of changeType updated; the catch-up reads the delta from the stored deltaLink', async () => {
    const { task: t } = await fake.createTodoTask(LIST, 'Report');
    clock += 5000;
    const upd = source(UPDATED);
    const cpl = source(COMPLETED);
    const base = ctxWith(params);
    const regU = await upd.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const regC = await cpl.register({ ...base, hookUrl: hook.url, secret: `${SECRET}c` });
    expect([...fake.subscriptions.values()].map((s) => s.changeType)).toEqual(['updated', 'updated']);
    clock += 5000;
    const { task: v2 } = await fake.updateTodoTask(LIST, t.id, { importance: 'high' });
    clock += 5000;
    const { task: v3 } = await fake.completeTodoTask(LIST, t.id);
    const [n1] = hook.received.filter((q) => (q.body as { value: Array<{ clientState: string }> }).value[0]!.clientState === SECRET);
    expect(asItems(await upd.toItems(n1!, { ...base, state: regU.state })).items.map((i) => i.key)).toEqual([`${t.id}:${v3.lastModifiedDateTime}`]);
    const caughtU = await upd.catchUp!({ ...base, state: regU.state });
    expect(caughtU.items).toEqual([{ key: `${t.id}:${v3.lastModifiedDateTime}`, payload: v3, occurredAt: Date.parse(v3.lastModifiedDateTime) }]);
    expect(v2.importance).toBe('high');
    const caughtC = await cpl.catchUp!({ ...base, state: regC.state });
    expect(caughtC.items.map((i) => i.key)).toEqual([`${t.id}:completed:${(v3.completedDateTime as { dateTime: string }).dateTime}`]);
    // From the new deltaLink: nothing new; a created task is neither an update nor a completion.
    clock += 1000;
    await fake.createTodoTask(LIST, 'another');
    expect((await upd.catchUp!({ ...base, state: caughtU.state })).items).toEqual([]);
    expect((await cpl.catchUp!({ ...base, state: caughtC.state })).items).toEqual([]);
  });

  it("maps Graph's errors: 401 → auth, 429 → rate_limited with Retry-After, 5xx → transient, unknown list → permanent; 410 → a full round", async () => {
    const src = source(CREATED);
    const base = ctxWith(params);
    const reg = await src.register({ ...base, hookUrl: hook.url, secret: SECRET });
    const catchUp = (ctx = base) => src.catchUp!({ ...ctx, state: reg.state });

    await expect(catchUp(ctxWith(params, 'expired-token'))).rejects.toMatchObject({ kind: 'auth' });
    fake.failNext(1, 429, { headers: { 'retry-after': '7' } });
    const limited = await catchUp().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ProviderError);
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    fake.failNext(1, 503);
    await expect(catchUp()).rejects.toMatchObject({ kind: 'transient' });
    await expect(src.register({ ...ctxWith({ listId: 'no-such-list' }), hookUrl: hook.url, secret: SECRET })).rejects.toMatchObject({ kind: 'permanent' });

    clock += 1000;
    const { task: t } = await fake.createTodoTask(LIST, 'after');
    fake.expireDeltaTokens();
    const r = await catchUp();
    const deltas = fake.requests.filter((q) => q.path.endsWith('/tasks/delta'));
    expect(deltas.at(-1)!.query.get('$deltatoken')).toBeNull(); // the full round after the 410
    expect(r.items.map((i) => i.key)).toEqual([t.id]);
  });
});
