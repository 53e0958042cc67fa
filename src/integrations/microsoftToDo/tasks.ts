// Reading Microsoft To Do tasks through Microsoft Graph v1.0: the task a thin change notification names
// (https://learn.microsoft.com/graph/api/todotask-get), and the todoTask delta query of the list
// (https://learn.microsoft.com/graph/api/todotask-delta) as the catch-up after lifecycle events and for the
// backstop sync. Each trigger then keeps the changes it is about (`created`, `updated`, `completed` below).
import { ProviderError, type HttpClient, type Item, type ParameterDefinition } from '../../sdk/index.js';
import { graphId, readAllPages, relativeGraphLink, stripODataContext, type ChangeNotification } from '../../sdk/providers/microsoft-graph.js';

export interface ListParams {
  listId: string;
}

export const listIdParameter: ParameterDefinition = {
  id: 'listId', title: 'Task list', type: 'TEXT', required: true,
  description: 'The todoTaskList id (from GET /me/todo/lists; the built-in "Tasks" list is the one whose wellknownListName is defaultList).',
  placeholder: 'AAMkADIyAAAAABrJAAA=',
  validate: graphId,
};

/** todoTask subscriptions: at most 4,230 minutes (https://learn.microsoft.com/graph/change-notifications-overview#subscription-lifetime). */
export const TODO_MAX_LIFETIME_MINUTES = 4230;

/** The subscription resource (https://learn.microsoft.com/graph/api/subscription-post-subscriptions: `/me/todo/lists/{todoTaskListId}/tasks`). */
export const tasksResource = (p: ListParams) => `/me/todo/lists/${p.listId}/tasks`;
const tasksPath = (p: ListParams) => `/me/todo/lists/${encodeURIComponent(p.listId)}/tasks`;

/** What we read of a todoTask (https://learn.microsoft.com/graph/api/resources/todotask); the rest is delivered as is. */
export interface TodoTask extends Record<string, unknown> {
  id: string;
  status?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  completedDateTime?: { dateTime?: string; timeZone?: string } | null;
  '@removed'?: unknown;
}

export interface TaskCursor {
  /** Where the next delta round starts. */
  deltaLink: string | null;
  /** When the last round started. */
  syncedAt: number;
}

/** After Graph forgets a delta token, tasks modified this long before the last sync are read again. */
export const RESYNC_OVERLAP_MS = 60 * 60_000;
/**
 * Graph sets lastModifiedDateTime a fraction of a second after createdDateTime when a task is created (Microsoft's
 * own delta example: 0.3 s apart); a task counts as edited only when modified more than this after its creation.
 */
export const CREATION_SETTLE_MS = 2000;
/** Page size of delta rounds (`Prefer: odata.maxpagesize`, documented for todoTask: delta). */
const DELTA_PAGE = { prefer: 'odata.maxpagesize=100' };

const time = (s: unknown) => (typeof s === 'string' ? Date.parse(s) : NaN);
const at = (ms: number) => (Number.isFinite(ms) ? { occurredAt: ms } : {});
const live = (t: TodoTask) => typeof t?.id === 'string' && t['@removed'] === undefined;

// ── the three rules ───────────────────────────────────────────────────────────────────────────────
/** Created: keyed by the task id (a later edit, a Graph retry or a second read of the same round is no new creation). */
export function createdItem(t: TodoTask, baselineAt: number): Item | null {
  if (!live(t) || !(time(t.createdDateTime) >= baselineAt)) return null;
  return { key: t.id, payload: t, ...at(time(t.createdDateTime)) };
}

/** Updated: a version of an existing task (modified after its creation settled), keyed by id and lastModifiedDateTime. */
export function updatedItem(t: TodoTask, baselineAt: number): Item | null {
  const modified = time(t.lastModifiedDateTime);
  if (!live(t) || !(modified >= baselineAt) || !(modified - time(t.createdDateTime) > CREATION_SETTLE_MS)) return null;
  return { key: `${t.id}:${String(t.lastModifiedDateTime)}`, payload: t, ...at(modified) };
}

/**
 * Completed: a task whose status is `completed`, modified at or after the subscription's start. Keyed by id and
 * completedDateTime, so later edits of a completed task are not new completions, while a task reopened and
 * completed again on another day is.
 */
export function completedItem(t: TodoTask, baselineAt: number): Item | null {
  if (!live(t) || t.status !== 'completed' || !(time(t.lastModifiedDateTime) >= baselineAt)) return null;
  return { key: `${t.id}:completed:${t.completedDateTime?.dateTime ?? ''}`, payload: t, ...at(time(t.lastModifiedDateTime)) };
}

export type TaskRule = (t: TodoTask, baselineAt: number) => Item | null;

// ── reading ───────────────────────────────────────────────────────────────────────────────────────
/** The task id a notification names: resourceData.id, else the last segment of `resource` (`…/tasks/{id}` or `…/tasks('{id}')`). */
export function notifiedTaskId(n: ChangeNotification): string | null {
  if (typeof n.resourceData?.id === 'string' && n.resourceData.id !== '') return n.resourceData.id;
  const m = /\/tasks(?:\/|\(')([^/']+)'?\)?$/i.exec(n.resource ?? '');
  return m?.[1] ?? null;
}

/** GET the task a notification names; null when it is gone (deleted or moved to another list, which changes its id). */
export async function fetchTask(http: HttpClient, params: ListParams, n: ChangeNotification): Promise<TodoTask | null> {
  const id = notifiedTaskId(n);
  if (!id) return null;
  const res = await http.request<TodoTask>({ path: `${tasksPath(params)}/${encodeURIComponent(id)}`, allowStatus: [404] });
  if (res.status === 404 || typeof res.body?.id !== 'string') return null;
  return stripODataContext(res.body);
}

const deltaRound = (http: HttpClient, params: ListParams) => readAllPages<TodoTask>(http, { path: `${tasksPath(params)}/delta`, headers: DELTA_PAGE });

/** Graph's answer to a delta token it no longer knows (410 Gone: SyncStateNotFound, resync…). */
const syncStateLost = (err: unknown) => err instanceof ProviderError && (err.status === 410 || /sync ?state|resync/i.test(err.message));

/**
 * The cursor at subscribe time: a full delta round of the list (todoTask: delta documents no `token=latest`), whose
 * tasks existed before the subscription and are never delivered; its deltaLink is where catch-ups start.
 */
export async function startTaskCursor(http: HttpClient, params: ListParams, baselineAt: number): Promise<TaskCursor> {
  const r = await deltaRound(http, params);
  return { deltaLink: r.deltaLink, syncedAt: baselineAt };
}

/**
 * The tasks changed since the cursor. After a lost token a new full round lists every task: those modified since
 * a while before the last sync are kept (the keys drop what was already delivered).
 */
export async function readTaskChanges(http: HttpClient, params: ListParams, cursor: unknown, baselineAt: number, now: number): Promise<{ tasks: TodoTask[]; cursor: TaskCursor }> {
  const c = (cursor ?? {}) as Partial<TaskCursor>;
  if (typeof c.deltaLink === 'string') {
    try {
      const r = await readAllPages<TodoTask>(http, { path: relativeGraphLink(c.deltaLink), headers: DELTA_PAGE });
      return { tasks: r.values.filter(live), cursor: { deltaLink: r.deltaLink, syncedAt: now } };
    } catch (err) {
      if (!syncStateLost(err)) throw err;
    }
  }
  const from = Math.max(baselineAt, (Number(c.syncedAt) || baselineAt) - RESYNC_OVERLAP_MS);
  const r = await deltaRound(http, params);
  return { tasks: r.values.filter((t) => live(t) && time(t.lastModifiedDateTime) >= from), cursor: { deltaLink: r.deltaLink, syncedAt: now } };
}
