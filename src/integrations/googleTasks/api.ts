// Google Tasks API v1 (tasks.googleapis.com): tasklists.get to check the list at subscribe time, and
// tasks.list with updatedMin / showCompleted / showHidden / showDeleted / pageToken for the polls.
//   https://developers.google.com/workspace/tasks/reference/rest/v1/tasklists/get
//   https://developers.google.com/workspace/tasks/reference/rest/v1/tasks/list
import { ProviderError, type HttpClient } from '../../sdk/index.js';
import { googleErrorMessage, googleRequest } from '../../sdk/providers/google.js';

export const TASKS_LIST_DOCS = 'https://developers.google.com/workspace/tasks/reference/rest/v1/tasks/list';

/** "@default" names the user's default task list in requests (TaskList.id in the tasklists reference). */
export const DEFAULT_TASKLIST = '@default';
/** tasks.list: "Maximum number of tasks returned on one page … default is 20 (max allowed: 100)". */
export const MAX_RESULTS = 100;

export interface TasksParams {
  tasklist: string;
}

/** Task list ids are opaque URL-safe strings (e.g. "MTAxMjM0NTY3OA"); "@default" is the default list. */
const TASKLIST_ID = /^[A-Za-z0-9_=-]{1,256}$/;

export function validateTasklist(v: unknown): string | null {
  if (v === DEFAULT_TASKLIST) return null;
  if (typeof v !== 'string' || !TASKLIST_ID.test(v)) {
    return 'must be "@default" (the default list) or a task list id from tasklists.list (letters, digits, "-", "_", "=")';
  }
  return null;
}

export interface TaskList {
  id: string;
  title: string;
}

export interface Task {
  id: string;
  updated?: string;
  status?: string;
  completed?: string;
  deleted?: boolean;
  hidden?: boolean;
  title?: string;
  [k: string]: unknown;
}

/** A path segment; "@" is a legal path character (RFC 3986 pchar) and is sent as is, as Google writes "@default". */
const segment = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');

const listNotFound = (tasklist: string, body: unknown) =>
  new ProviderError('permanent', `Google Tasks: task list ${tasklist} not found for this account (Google: ${googleErrorMessage(body) || 'not found'})`, 404);

/** tasklists.get: the list's real id and title ("@default" resolves to the default list's id). */
export async function getTasklist(http: HttpClient, tasklist: string): Promise<TaskList> {
  const res = await googleRequest<{ id?: unknown; title?: unknown }>(http, {
    path: `/tasks/v1/users/@me/lists/${segment(tasklist)}`,
    allowStatus: [404],
  });
  if (res.status === 404) throw listNotFound(tasklist, res.body);
  const id = typeof res.body?.id === 'string' && res.body.id !== '' ? res.body.id : tasklist;
  return { id, title: typeof res.body?.title === 'string' ? res.body.title : '' };
}

export interface ListQuery {
  /** RFC 3339 lower bound for a task's last modification time; absent to read the whole list. */
  updatedMin?: string;
  showDeleted: boolean;
  pageToken?: string;
}

/**
 * One page of tasks.list. Completed and hidden tasks are always asked for: Google documents that showHidden
 * must be true as well to see tasks completed in its own apps (web UI, mobile).
 */
export async function listTasks(http: HttpClient, tasklist: string, q: ListQuery): Promise<{ tasks: Task[]; next?: string }> {
  const query: Record<string, string> = {
    maxResults: String(MAX_RESULTS),
    showCompleted: 'true',
    showHidden: 'true',
    showDeleted: q.showDeleted ? 'true' : 'false',
  };
  if (q.updatedMin !== undefined) query.updatedMin = q.updatedMin;
  if (q.pageToken) query.pageToken = q.pageToken;
  const res = await googleRequest<{ items?: unknown; nextPageToken?: unknown }>(http, {
    path: `/tasks/v1/lists/${segment(tasklist)}/tasks`,
    query,
    allowStatus: [404],
  });
  if (res.status === 404) throw listNotFound(tasklist, res.body);
  const items = Array.isArray(res.body?.items) ? (res.body.items as unknown[]) : [];
  const tasks = items.filter((t): t is Task => typeof (t as Task | null)?.id === 'string' && (t as Task).id !== '');
  const next = typeof res.body?.nextPageToken === 'string' && res.body.nextPageToken !== '' ? res.body.nextPageToken : undefined;
  return next === undefined ? { tasks } : { tasks, next };
}

/** Epoch ms of an RFC 3339 timestamp, or null. */
export function timeOf(ts: unknown): number | null {
  if (typeof ts !== 'string') return null;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? null : ms;
}
