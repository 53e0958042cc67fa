// The polling source shared by the Google Tasks triggers: tasks.list on one task list with `updatedMin`.
//
// Cursor: { list, since, query? }
//   list   the task list resolved at subscribe time ({ id, title }; "@default" becomes the default list's id);
//   since  the `updatedMin` lower bound (RFC 3339);
//   query  { pageToken, maxSeen } while one query is read over several polls.
// Google documents no order for tasks.list, so `since` only moves when a query has been read to its last
// page: to the newest `updated` seen, minus OVERLAP_MS (a change may become visible a little after its
// timestamp, and whether updatedMin is inclusive is not documented). What the overlap reads again is
// harmless: each trigger's key stores every event once. A query longer than MAX_PAGES pages carries on from
// its page token on the next poll.
//
// "Created": a Task has no creation timestamp (only `updated` and `completed`), so a new task cannot be told
// from an edited old one by its fields. The created trigger's baseline therefore reads the WHOLE list
// (completed, hidden and deleted tasks included) and records every task id as seen; afterwards a task is
// "created" when its id first shows up. Lists larger than BASELINE_MAX_PAGES pages are read only that far
// (logged): an unread old task edited later would then be reported as created.
import { ProviderError, type Item, type PollContext, type PollResult, type PollSource } from '../../../sdk/index.js';
import { DEFAULT_TASKLIST, getTasklist, listTasks, timeOf, type Task, type TaskList, type TasksParams } from '../api.js';

export const MAX_PAGES = 10;
export const BASELINE_MAX_PAGES = 200;
export const OVERLAP_MS = 5 * 60_000;

export type TaskEvent = 'created' | 'updated' | 'completed' | 'deleted';

interface Cursor {
  list: TaskList;
  since: string;
  query?: { pageToken: string; maxSeen: number };
}

function readCursor(c: unknown): Cursor | null {
  if (c === null || c === undefined) return null;
  const o = c as Partial<Cursor>;
  const list = o.list;
  if (typeof o !== 'object' || timeOf(o.since) === null || !list || typeof list.id !== 'string' || typeof list.title !== 'string') {
    throw new ProviderError('permanent', 'Google Tasks: stored cursor is not valid');
  }
  const q = o.query;
  if (q && typeof q.pageToken === 'string' && typeof q.maxSeen === 'number') {
    return { list: { id: list.id, title: list.title }, since: o.since!, query: { pageToken: q.pageToken, maxSeen: q.maxSeen } };
  }
  return { list: { id: list.id, title: list.title }, since: o.since! };
}

const payloadOf = (list: TaskList, task: Task) => ({ ...task, taskList: { id: list.id, title: list.title } });

/** The item an event makes of a listed task, or null when the task is not such an event. */
function itemFor(event: TaskEvent, list: TaskList, t: Task): Item | null {
  const deleted = t.deleted === true;
  switch (event) {
    case 'created':
      return deleted ? null : { key: t.id, payload: payloadOf(list, t) };
    case 'updated': {
      const at = timeOf(t.updated);
      if (deleted || at === null) return null;
      return { key: `${t.id}:${t.updated as string}`, payload: payloadOf(list, t), occurredAt: at };
    }
    case 'completed': {
      const at = timeOf(t.completed);
      if (deleted || t.status !== 'completed' || at === null) return null;
      return { key: `${t.id}:${t.completed as string}`, payload: payloadOf(list, t), occurredAt: at };
    }
    case 'deleted': {
      if (!deleted) return null;
      const at = timeOf(t.updated);
      return { key: t.id, payload: payloadOf(list, t), ...(at !== null ? { occurredAt: at } : {}) };
    }
  }
}

/** Deleted tasks are listed only for the triggers that need them (created: to baseline them; deleted). */
const showDeleted = (event: TaskEvent) => event === 'created' || event === 'deleted';

async function readChanges(ctx: PollContext<TasksParams>, event: TaskEvent, cursor: Cursor): Promise<PollResult> {
  const items: Item[] = [];
  let token = cursor.query?.pageToken;
  let maxSeen = cursor.query?.maxSeen ?? timeOf(cursor.since)!;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await listTasks(ctx.http, cursor.list.id, { updatedMin: cursor.since, showDeleted: showDeleted(event), ...(token ? { pageToken: token } : {}) });
    for (const t of page.tasks) {
      const at = timeOf(t.updated);
      if (at !== null && at > maxSeen) maxSeen = at;
      const item = itemFor(event, cursor.list, t);
      if (item) items.push(item);
    }
    token = page.next;
    if (token === undefined) {
      const since = Math.max(maxSeen - OVERLAP_MS, timeOf(cursor.since)!);
      return { items, cursor: { list: cursor.list, since: new Date(since).toISOString() } satisfies Cursor };
    }
  }
  ctx.log.info('Google Tasks: more changed tasks than one poll reads; continuing from the page token next poll', { pages: MAX_PAGES });
  return { items, cursor: { list: cursor.list, since: cursor.since, query: { pageToken: token!, maxSeen } } satisfies Cursor };
}

/** The created trigger's baseline: every task id of the list (deleted and hidden ones too), up to a bound. */
async function readWholeList(ctx: PollContext<TasksParams>, list: TaskList): Promise<Item[]> {
  const items: Item[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < BASELINE_MAX_PAGES; pages++) {
    const page = await listTasks(ctx.http, list.id, { showDeleted: true, ...(token ? { pageToken: token } : {}) });
    for (const t of page.tasks) items.push({ key: t.id, payload: payloadOf(list, t) });
    token = page.next;
    if (token === undefined) return items;
  }
  ctx.log.warn('Google Tasks: the task list is larger than the created trigger\'s baseline reads; older tasks edited later may be reported as created', {
    pages: BASELINE_MAX_PAGES,
    tasks: items.length,
  });
  return items;
}

export function tasksSource(event: TaskEvent): PollSource<TasksParams> {
  return {
    kind: 'poll',
    async poll(ctx) {
      const cursor = readCursor(ctx.cursor);
      if (cursor !== null) return readChanges(ctx, event, cursor);
      // Baseline: the list must exist (a 404 refuses the subscription with Google's message). Changes from
      // OVERLAP_MS before now are recorded as seen, never delivered.
      const list = await getTasklist(ctx.http, ctx.params.tasklist ?? DEFAULT_TASKLIST);
      const start: Cursor = { list, since: new Date(ctx.now() - OVERLAP_MS).toISOString() };
      if (event === 'created') return { items: await readWholeList(ctx, list), cursor: start };
      return readChanges(ctx, event, start);
    },
  };
}
