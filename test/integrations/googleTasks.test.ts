// Google Tasks, source level: the four polling triggers against the fake Tasks API over real HTTP —
// catalog and parameters, baselines (nothing delivered; the created trigger reads the whole list), each
// event once with its key, tasks completed in Google's apps (hidden), overlap re-reads, long queries carried
// over polls, and errors (404, 429, 403 rate limit, 401, 5xx, a bad stored cursor).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import list from '../../src/integrations/googleTasks/fixtures/list-tasks.json' with { type: 'json' };
import { validateTasklist } from '../../src/integrations/googleTasks/api.js';
import { googleTasksIntegration } from '../../src/integrations/googleTasks/integration.js';
import { MAX_PAGES, OVERLAP_MS } from '../../src/integrations/googleTasks/triggers/tasks.js';
import { ProviderError, type AnyTriggerDefinition, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { PollRunner, httpFor, rateLimited, sourceContext, withDefaults } from '../providers/google-calendar.js';
import { startFakeGoogleTasks, type FakeGoogleTasks } from '../providers/googleTasks.js';

const CREATED = 'GOOGLE_TASKS_TRIGGER_TASK_CREATED';
const UPDATED = 'GOOGLE_TASKS_TRIGGER_TASK_UPDATED';
const COMPLETED = 'GOOGLE_TASKS_TRIGGER_TASK_COMPLETED';
const DELETED = 'GOOGLE_TASKS_TRIGGER_TASK_DELETED';
const LIST = 'MTAxMjM0NTY3ODkwMTIzNDU2Nzg6MDow';
const OTHER = 'T3RoZXJMaXN0SWQ';
const trigger = (type: string): AnyTriggerDefinition => googleTasksIntegration.triggers.find((t) => t.type === type)!;

describe('Google Tasks catalog and parameters', () => {
  it('declares four polling triggers on an optional tasklist defaulting to @default, with read-only scope', () => {
    expect(googleTasksIntegration.key).toBe('googleTasks');
    expect(googleTasksIntegration.apiBaseUrl).toBe('https://tasks.googleapis.com');
    expect(googleTasksIntegration.auth).toMatchObject({ kind: 'oauth2', scopes: ['https://www.googleapis.com/auth/tasks.readonly'] });
    expect(googleTasksIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([
      [CREATED, 'poll'], [UPDATED, 'poll'], [COMPLETED, 'poll'], [DELETED, 'poll'],
    ]);
    for (const t of googleTasksIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.required, p.defaultValue])).toEqual([['tasklist', false, '@default']]);
    }
    expect(trigger(CREATED).examplePayload).toMatchObject({ id: list.items[0]!.id, status: 'needsAction', taskList: { id: LIST, title: 'My Tasks' } });
    expect(trigger(COMPLETED).examplePayload).toMatchObject({ status: 'completed', completed: list.items[1]!.completed, hidden: true });
    expect(trigger(DELETED).examplePayload).toMatchObject({ deleted: true });
  });

  it('validates the task list id and names what is wrong', () => {
    expect(validateTasklist('@default')).toBeNull();
    expect(validateTasklist(LIST)).toBeNull();
    expect(validateTasklist('https://tasks.google.com/list/x')).toMatch(/@default.*task list id/);
    expect(validateTasklist('@me')).toMatch(/task list id/);
    expect(validateTasklist(42)).toMatch(/task list id/);
  });
});

describe('Google Tasks triggers against the fake Tasks API', () => {
  let g: FakeGoogleTasks;
  let clock: TestClock;
  const runner = (type: string, params: Record<string, unknown> = {}) =>
    new PollRunner(trigger(type).source as PollSource, () => sourceContext(httpFor(googleTasksIntegration, g.url), withDefaults(trigger(type), params), clock.now));
  const later = (ms = 60_000) => clock.advance(ms);
  const keys = (items: Array<{ key: string }>) => items.map((i) => i.key);

  beforeEach(async () => {
    clock = new TestClock(Date.parse('2024-03-24T03:00:00Z'));
    g = await startFakeGoogleTasks({ now: clock.now });
    g.addList(LIST, 'My Tasks');
    g.addList(OTHER, 'Errands');
  });
  afterEach(async () => {
    await g.close();
  });

  it('created: the baseline reads the whole list (completed, hidden, deleted too) and delivers nothing; a new task once; edits of old tasks are not "created"', async () => {
    g.maxPageSize = 2;
    g.insert(LIST, 'old-open', {}, clock.now() - 30 * 86_400_000);
    g.insert(LIST, 'old-done', {}, clock.now() - 20 * 86_400_000);
    g.complete(LIST, 'old-done', { inApp: true, at: clock.now() - 20 * 86_400_000 });
    g.insert(LIST, 'old-gone', {}, clock.now() - 10 * 86_400_000);
    g.remove(LIST, 'old-gone', clock.now() - 10 * 86_400_000);
    g.insert(LIST, 'old-4', {}, clock.now() - 86_400_000);
    const run = runner(CREATED);
    expect(await run.poll()).toEqual([]);
    expect(g.requests[0]!.path).toBe('/tasks/v1/users/@me/lists/@default');
    const baseline = g.listCalls();
    expect(baseline.length).toBe(2); // four tasks, two a page: every page read
    expect(baseline[0]!.list).toBe(LIST); // @default resolved once, the real id used from then on
    expect(baseline[0]!.query).toMatchObject({ showCompleted: 'true', showHidden: 'true', showDeleted: 'true', maxResults: '100' });
    expect(baseline[0]!.query.updatedMin).toBeUndefined();
    expect([...run.seen].sort()).toEqual(['old-4', 'old-done', 'old-gone', 'old-open']);

    later();
    g.patch(LIST, 'old-open', { title: 'renamed' });
    g.reopen(LIST, 'old-done');
    const fresh = g.insert(LIST, 'new-1', { notes: 'n' });
    const got = await run.poll();
    expect(keys(got)).toEqual(['new-1']);
    expect(got[0]!.payload).toEqual({ ...fresh, taskList: { id: LIST, title: 'My Tasks' } });
    later();
    g.complete(LIST, 'new-1');
    expect(await run.poll()).toEqual([]);
    const q = g.listCalls().at(-1)!.query;
    expect(q.updatedMin).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('created: a task added and deleted between two polls is not reported', async () => {
    const run = runner(CREATED);
    await run.poll();
    later();
    g.insert(LIST, 'brief');
    g.remove(LIST, 'brief');
    expect(await run.poll()).toEqual([]);
  });

  it('updated: the baseline window is not delivered; each version of a task once, keyed by id:updated', async () => {
    g.insert(LIST, 'a', {}, clock.now() - 60_000); // changed a minute before subscribing
    const run = runner(UPDATED, { tasklist: LIST });
    expect(await run.poll()).toEqual([]);
    expect(g.listCalls()[0]!.query).toMatchObject({ updatedMin: new Date(clock.now() - OVERLAP_MS).toISOString(), showDeleted: 'false', showHidden: 'true' });
    later();
    const v1 = g.patch(LIST, 'a', { title: 'one' });
    g.insert(LIST, 'b');
    const first = await run.poll();
    expect(keys(first).sort()).toEqual([`a:${v1.updated}`, `b:${g.lists.get(LIST)!.tasks[1]!.updated}`]);
    expect(first.find((i) => i.key.startsWith('a:'))!.occurredAt).toBe(Date.parse(v1.updated));
    expect(await run.poll()).toEqual([]);
    later();
    const v2 = g.patch(LIST, 'a', { title: 'two' });
    expect(keys(await run.poll())).toEqual([`a:${v2.updated}`]);
    later();
    g.remove(LIST, 'a');
    expect(await run.poll()).toEqual([]); // deletions are the deleted trigger's
  });

  it('updated: reads again from the newest change seen minus the overlap, so a late-visible change sharing its time is not skipped', async () => {
    const run = runner(UPDATED);
    await run.poll();
    later(10 * 60_000);
    const t = clock.now();
    g.insert(LIST, 'x', {}, t);
    expect(keys(await run.poll())).toEqual([`x:${new Date(t).toISOString()}`]);
    const since = g.listCalls().at(-1)!.query.updatedMin!;
    g.insert(LIST, 'y', {}, t); // visible only now, same instant
    later();
    expect(keys(await run.poll())).toEqual([`y:${new Date(t).toISOString()}`]);
    const next = g.listCalls().at(-1)!.query.updatedMin!;
    expect(Date.parse(next)).toBe(t - OVERLAP_MS);
    expect(Date.parse(next)).toBeGreaterThan(Date.parse(since));
  });

  it('updated: a long query is bounded per poll and carried on with its page token; every change once', async () => {
    const run = runner(UPDATED);
    await run.poll();
    g.maxPageSize = 2;
    later();
    const ids = Array.from({ length: 2 * MAX_PAGES + 3 }, (_, i) => `bulk-${String(i).padStart(2, '0')}`);
    for (const id of ids) g.insert(LIST, id);
    const calls = g.listCalls().length;
    const first = await run.poll();
    expect(g.listCalls().length - calls).toBe(MAX_PAGES);
    const before = g.listCalls().length;
    const second = await run.poll();
    expect(g.listCalls()[before]!.query.pageToken).toBeDefined();
    expect(g.listCalls()[before]!.query.updatedMin).toBe(g.listCalls()[calls]!.query.updatedMin);
    expect([...first, ...second].map((i) => i.key.split(':')[0]).sort()).toEqual(ids);
    expect(await run.poll()).toEqual([]);
  });

  it('completed: a task completed in Google\'s apps (hidden) is delivered once; edits do not repeat it; reopened and completed again is new', async () => {
    g.insert(LIST, 'c');
    const run = runner(COMPLETED);
    await run.poll();
    later();
    const done = g.complete(LIST, 'c', { inApp: true });
    g.insert(LIST, 'open');
    const got = await run.poll();
    expect(keys(got)).toEqual([`c:${done.completed}`]);
    expect(got[0]!.payload).toMatchObject({ id: 'c', status: 'completed', hidden: true, taskList: { id: LIST } });
    expect(g.listCalls().at(-1)!.query.showHidden).toBe('true');
    later();
    g.patch(LIST, 'c', { notes: 'follow-up' });
    expect(await run.poll()).toEqual([]);
    later();
    g.reopen(LIST, 'c');
    expect(await run.poll()).toEqual([]);
    later();
    const again = g.complete(LIST, 'c');
    expect(keys(await run.poll())).toEqual([`c:${again.completed}`]);
  });

  it('deleted: a deletion is delivered once, on the chosen list only', async () => {
    g.insert(LIST, 'd');
    g.insert(OTHER, 'e');
    const run = runner(DELETED, { tasklist: OTHER });
    await run.poll();
    expect(g.requests[0]!.path).toBe(`/tasks/v1/users/@me/lists/${OTHER}`);
    later();
    g.remove(LIST, 'd');
    g.remove(OTHER, 'e');
    const got = await run.poll();
    expect(keys(got)).toEqual(['e']);
    expect(got[0]!.payload).toMatchObject({ id: 'e', deleted: true, taskList: { id: OTHER, title: 'Errands' } });
    expect(g.listCalls().at(-1)!.query.showDeleted).toBe('true');
    later();
    expect(await run.poll()).toEqual([]);
  });

  it('an unknown task list fails the baseline with a permanent error naming it, with Google\'s message and no token', async () => {
    const err = await runner(CREATED, { tasklist: 'NoSuchList' }).poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'permanent', status: 404 });
    expect((err as Error).message).toContain('NoSuchList');
    expect((err as Error).message).toContain('Not Found');
    expect((err as Error).message).not.toContain('valid-token');
  });

  it('a list deleted after subscribing turns polls into a permanent error', async () => {
    const run = runner(UPDATED, { tasklist: OTHER });
    await run.poll();
    g.lists.delete(OTHER);
    await expect(run.poll()).rejects.toMatchObject({ kind: 'permanent', status: 404 });
  });

  it('classifies 429, 403 rate limits, 401 and 5xx; a bad stored cursor is permanent', async () => {
    const run = runner(UPDATED);
    await run.poll();
    const kinds: unknown[] = [];
    for (const failure of [rateLimited.tooMany(30), rateLimited.userRateLimit(), rateLimited.backendError(503)]) {
      g.failNext(1, failure);
      kinds.push(await run.poll().catch((e: ProviderError) => [e.kind, e.retryAfterMs]));
    }
    expect(kinds).toEqual([['rate_limited', 30_000], ['rate_limited', undefined], ['transient', undefined]]);
    g.validTokens.clear();
    expect(await run.poll().catch((e: ProviderError) => e.kind)).toBe('auth');
    run.cursor = { since: 'yesterday' };
    await expect(run.poll()).rejects.toMatchObject({ kind: 'permanent' });
  });
});
