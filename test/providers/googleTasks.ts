// A fake Google Tasks API v1 over real HTTP (on the shared Google fake: bearer auth, token endpoint,
// scripted failures).
//
// As documented (https://developers.google.com/workspace/tasks/reference/rest/v1/tasks/list and
// …/tasklists/get): `GET /tasks/v1/users/@me/lists/{tasklist}` and `GET /tasks/v1/lists/{tasklist}/tasks`,
// where "@default" names the default list; `maxResults` (default 20, at most 100; `maxPageSize` lets a test
// force smaller pages), `pageToken`, `updatedMin` (RFC 3339, a lower bound on `updated`: inclusive here —
// Google does not say), `showCompleted` (default true), `showHidden` (default false), `showDeleted` (default
// false). Tasks completed in Google's own apps are hidden, so they are listed only with showHidden=true, as
// the list reference warns. Every change sets `updated`; deleting sets `deleted: true` (a deleted task is
// listed with showDeleted=true). Tasks come in insertion order (Google documents no order for the list).
import { googleError, startGoogleFake, type GoogleFake } from './google-calendar.js';

export interface FakeTask {
  kind: 'tasks#task';
  id: string;
  etag: string;
  title: string;
  updated: string;
  status: 'needsAction' | 'completed';
  completed?: string;
  deleted?: boolean;
  hidden?: boolean;
  notes?: string;
  [k: string]: unknown;
}

interface FakeList {
  id: string;
  title: string;
  tasks: FakeTask[];
}

export interface FakeGoogleTasks extends GoogleFake {
  lists: Map<string, FakeList>;
  defaultListId: string;
  maxPageSize: number;
  addList(id: string, title: string): void;
  /** tasks.insert: a new open task, `updated` now (or at `at`). */
  insert(listId: string, id: string, fields?: Partial<FakeTask>, at?: number): FakeTask;
  /** tasks.patch: changes fields and sets `updated`. */
  patch(listId: string, id: string, fields: Partial<FakeTask>, at?: number): FakeTask;
  /** Marks a task completed; `inApp` as Google's own apps do it (the task is then hidden). */
  complete(listId: string, id: string, opts?: { inApp?: boolean; at?: number }): FakeTask;
  /** Back to needsAction (`completed` removed). */
  reopen(listId: string, id: string, at?: number): FakeTask;
  /** tasks.delete: the task stays listed with showDeleted=true, `deleted: true`. */
  remove(listId: string, id: string, at?: number): FakeTask;
  listCalls(): Array<{ list: string; query: Record<string, string> }>;
}

const flag = (v: string | null, dflt: boolean): boolean | null => (v === null ? dflt : v === 'true' ? true : v === 'false' ? false : null);

export async function startFakeGoogleTasks(opts: { now: () => number }): Promise<FakeGoogleTasks> {
  let etags = 0;
  const iso = (at?: number) => new Date(at ?? opts.now()).toISOString();
  const listOf = (raw: string) => fake.lists.get(raw === '@default' ? fake.defaultListId : raw);
  const notFound = () => googleError(404, 'notFound', 'Not Found');
  const base = await startGoogleFake(({ method, url }) => {
    if (method !== 'GET') return undefined;
    const get = /^\/tasks\/v1\/users\/@me\/lists\/([^/]+)$/.exec(url.pathname);
    if (get) {
      const list = listOf(decodeURIComponent(get[1]!));
      if (!list) return notFound();
      return { status: 200, body: { kind: 'tasks#taskList', id: list.id, etag: `"l${list.id}"`, title: list.title, updated: iso(), selfLink: `${fake.url}/tasks/v1/users/@me/lists/${list.id}` } };
    }
    const tasks = /^\/tasks\/v1\/lists\/([^/]+)\/tasks$/.exec(url.pathname);
    if (!tasks) return undefined;
    const list = listOf(decodeURIComponent(tasks[1]!));
    if (!list) return notFound();
    const q = url.searchParams;
    const showCompleted = flag(q.get('showCompleted'), true);
    const showHidden = flag(q.get('showHidden'), false);
    const showDeleted = flag(q.get('showDeleted'), false);
    if (showCompleted === null || showHidden === null || showDeleted === null) return googleError(400, 'invalid', 'Invalid value');
    const updatedMinRaw = q.get('updatedMin');
    const updatedMin = updatedMinRaw === null ? null : Date.parse(updatedMinRaw);
    if (updatedMin !== null && (Number.isNaN(updatedMin) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(updatedMinRaw!))) {
      return googleError(400, 'invalid', `Invalid value for updatedMin: ${updatedMinRaw}`);
    }
    const maxResults = Number(q.get('maxResults') ?? 20);
    if (!Number.isInteger(maxResults) || maxResults < 1) return googleError(400, 'invalid', 'Invalid value for maxResults');
    const size = Math.min(maxResults, 100, fake.maxPageSize);
    const signature = JSON.stringify([list.id, showCompleted, showHidden, showDeleted, updatedMinRaw]);
    let offset = 0;
    const token = q.get('pageToken');
    if (token) {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as { signature: string; offset: number };
      if (t.signature !== signature) return googleError(400, 'invalid', 'Invalid page token');
      offset = t.offset;
    }
    const all = list.tasks.filter(
      (t) =>
        (showDeleted || t.deleted !== true) &&
        (showHidden || t.hidden !== true) &&
        (showCompleted || t.status !== 'completed') &&
        (updatedMin === null || Date.parse(t.updated) >= updatedMin),
    );
    const page = all.slice(offset, offset + size);
    const body: Record<string, unknown> = { kind: 'tasks#tasks', etag: `"e${++etags}"` };
    if (page.length > 0) body.items = page.map((t) => ({ ...t }));
    if (offset + size < all.length) body.nextPageToken = Buffer.from(JSON.stringify({ signature, offset: offset + size })).toString('base64url');
    return { status: 200, body };
  });
  const task = (listId: string, id: string) => {
    const t = fake.lists.get(listId)?.tasks.find((x) => x.id === id);
    if (!t) throw new Error(`no task ${id} in ${listId}`);
    return t;
  };
  const touch = (t: FakeTask, at?: number) => {
    t.updated = iso(at);
    t.etag = `"t${++etags}"`;
    return t;
  };
  const fake: FakeGoogleTasks = Object.assign(base, {
    lists: new Map<string, FakeList>(),
    defaultListId: '',
    maxPageSize: 100,
    addList(id: string, title: string) {
      fake.lists.set(id, { id, title, tasks: [] });
      if (fake.defaultListId === '') fake.defaultListId = id;
    },
    insert(listId: string, id: string, fields: Partial<FakeTask> = {}, at?: number) {
      const list = fake.lists.get(listId);
      if (!list) throw new Error(`no list ${listId}`);
      const t: FakeTask = { kind: 'tasks#task', id, etag: '', title: `Task ${id}`, updated: '', status: 'needsAction', position: String(list.tasks.length).padStart(20, '0'), ...fields };
      touch(t, at);
      list.tasks.push(t);
      return t;
    },
    patch(listId: string, id: string, fields: Partial<FakeTask>, at?: number) {
      return touch(Object.assign(task(listId, id), fields), at);
    },
    complete(listId: string, id: string, o: { inApp?: boolean; at?: number } = {}) {
      const t = task(listId, id);
      t.status = 'completed';
      t.completed = iso(o.at);
      if (o.inApp) t.hidden = true;
      return touch(t, o.at);
    },
    reopen(listId: string, id: string, at?: number) {
      const t = task(listId, id);
      t.status = 'needsAction';
      delete t.completed;
      delete t.hidden;
      return touch(t, at);
    },
    remove(listId: string, id: string, at?: number) {
      const t = task(listId, id);
      t.deleted = true;
      return touch(t, at);
    },
    listCalls() {
      return base.requests.flatMap((r) => {
        const m = /^\/tasks\/v1\/lists\/([^/]+)\/tasks$/.exec(r.path);
        return m ? [{ list: decodeURIComponent(m[1]!), query: Object.fromEntries(r.query) }] : [];
      });
    },
  });
  return fake;
}
