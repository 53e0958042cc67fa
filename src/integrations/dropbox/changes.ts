// The Dropbox triggers poll `files/list_folder/continue` from a stored cursor: the cursor IS the state, and
// Dropbox keeps every change behind it until we ask, so nothing is lost between polls (or while we are down).
// The subscription's baseline is `files/list_folder/get_latest_cursor` for the `path` parameter (recursive by
// default): changes from then on, nothing before.
//
// Dropbox's app webhook (integration.ts) only says "account X changed"; it carries no data. It is verified and
// acknowledged; with the engine hook requested in docs/integrations/dropbox.md it will make the engine poll that
// account's subscriptions at once instead of at the next interval.
//
// What the change feed does NOT say, and how we decide (docs/integrations/dropbox.md):
// - created vs modified: a file entry is both. A file is "created" when its OLDEST revision (`list_revisions`,
//   mode `id`) is no older than the previous poll (minus SLACK): a file uploaded and edited between two polls
//   is still created; an old file edited now is not. Key: the file id, so a file is created once.
// - deletions: a `deleted` entry has no id and no type. `list_revisions` (mode `path`) tells a file (deleted,
//   with `server_deleted`) from a folder; key: path + server_deleted, so re-creating and deleting a file at the
//   same path again is a second deletion. Dropbox reports a deleted folder as ONE entry (not one per file), and
//   a move as a deletion at the old path.
import { ProviderError, type Item, type PollContext, type PollResult } from '../../sdk/index.js';
import { DropboxRouteError, rpc, type DeletedMetadata, type FileMetadata, type ListFolderResult, type ListRevisionsResult, type Metadata } from './api.js';

export interface DropboxParams {
  path?: string;
  recursive?: boolean;
}

export interface DropboxCursor {
  v: 1;
  cursor: string;
  /** When the poll that produced this cursor started (ms): the lower bound of "created since". */
  since: number;
}

/** Entries per list_folder page (Dropbox's limit is approximate, 1–2000). */
export const PAGE_LIMIT = 200;
export const MAX_PAGES_PER_POLL = 20;
/** list_revisions calls per poll before we stop at a page boundary (the next poll continues from there). */
export const MAX_LOOKUPS_PER_POLL = 400;
const LOOKUP_CONCURRENCY = 4;
/** Clock skew and upload-to-visible delay between Dropbox's server_modified and our clock. */
export const SLACK_MS = 10 * 60_000;
const MAX_REVISIONS = 100;

/** '' (the root), '/Folder/Sub', `id:…` or `ns:…` — as Dropbox accepts them. A trailing slash is not allowed. */
export function validatePath(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value === '' || value === '/') return null;
  if (value.length > 1024) return 'is too long';
  if (/^(id|ns):\S+$/.test(value)) return null;
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || value.endsWith('/') || /[\u0000-\u001f]/.test(value)) return 'must be "" (the whole Dropbox) or a folder path such as /Homework/math';
  return null;
}

export function normalizePath(value: string | undefined): string {
  return value === undefined || value === '/' ? '' : value;
}

function parseCursor(raw: unknown): DropboxCursor | null {
  const c = raw as Partial<DropboxCursor> | null;
  if (!c || c.v !== 1 || typeof c.cursor !== 'string' || c.cursor === '' || typeof c.since !== 'number') return null;
  return { v: 1, cursor: c.cursor, since: c.since };
}

async function latestCursor(ctx: PollContext<DropboxParams>): Promise<string> {
  const path = normalizePath(ctx.params.path);
  const problem = validatePath(path);
  if (problem) throw new ProviderError('permanent', `path ${problem}`);
  try {
    const r = await rpc<{ cursor: string }>(ctx.http, 'files/list_folder/get_latest_cursor', {
      path,
      recursive: ctx.params.recursive !== false,
      include_deleted: false,
      include_mounted_folders: true,
      include_non_downloadable_files: true,
      limit: PAGE_LIMIT,
    });
    return r.cursor;
  } catch (err) {
    if (err instanceof DropboxRouteError && err.is('path', 'not_found')) throw new ProviderError('permanent', `Dropbox has no folder ${path} (${err.summary})`, 409);
    if (err instanceof DropboxRouteError && err.is('path', 'not_folder')) throw new ProviderError('permanent', `${path} is a file, not a folder (${err.summary})`, 409);
    throw err;
  }
}

export type Selector = (ctx: PollContext<DropboxParams>, entry: Metadata, previous: DropboxCursor) => Promise<Item | null>;

export async function pollChanges(ctx: PollContext<DropboxParams>, select: Selector): Promise<PollResult> {
  const previous = parseCursor(ctx.cursor);
  const started = ctx.now();
  if (!previous) return { items: [], cursor: { v: 1, cursor: await latestCursor(ctx), since: started } satisfies DropboxCursor };

  const items = new Map<string, Item>();
  let cursor = previous.cursor;
  let lookups = 0;
  for (let pages = 0; pages < MAX_PAGES_PER_POLL && lookups < MAX_LOOKUPS_PER_POLL; pages++) {
    let page: ListFolderResult;
    try {
      page = await rpc<ListFolderResult>(ctx.http, 'files/list_folder/continue', { cursor });
    } catch (err) {
      if (err instanceof DropboxRouteError && err.is('reset')) {
        // Dropbox invalidated the cursor (rare: e.g. the folder was shared or re-linked). What changed since can
        // no longer be listed: start again from now, and say so in the subscription log.
        ctx.log.warn('dropbox reset the list_folder cursor; restarting from the latest state', { path: ctx.params.path });
        return { items: [...items.values()], cursor: { v: 1, cursor: await latestCursor(ctx), since: started } satisfies DropboxCursor };
      }
      throw err;
    }
    const candidates = page.entries.filter((e) => e['.tag'] !== 'folder');
    lookups += candidates.length;
    for (const item of await mapLimited(candidates, LOOKUP_CONCURRENCY, (e) => select(ctx, e, previous))) {
      if (item) items.set(item.key, item);
    }
    cursor = page.cursor;
    if (!page.has_more) return { items: [...items.values()], cursor: { v: 1, cursor, since: started } satisfies DropboxCursor };
  }
  // Stopped early: changes remain behind `cursor`, so "since" stays where it was.
  ctx.log.info('dropbox poll stopped at its budget; the next poll continues', { path: ctx.params.path });
  return { items: [...items.values()], cursor: { v: 1, cursor, since: previous.since } satisfies DropboxCursor };
}

async function mapLimited<T, R>(list: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      out[i] = await fn(list[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return out;
}

/** TRIGGER_DROPBOX_FILE_CREATED: a file whose first revision is no older than the previous poll. */
export const createdFile: Selector = async (ctx, entry, previous) => {
  if (entry['.tag'] !== 'file') return null;
  const file: FileMetadata = entry;
  let revisions: ListRevisionsResult;
  try {
    revisions = await rpc<ListRevisionsResult>(ctx.http, 'files/list_revisions', { path: file.id, mode: 'id', limit: MAX_REVISIONS });
  } catch (err) {
    // Gone again before we looked: nothing to report as created.
    if (err instanceof DropboxRouteError && err.is('path')) return null;
    throw err;
  }
  const list = revisions.entries ?? [];
  if (list.length === 0 || list.length >= MAX_REVISIONS) return null;
  const first = Date.parse(list[list.length - 1]!.server_modified);
  if (!Number.isFinite(first) || first < previous.since - SLACK_MS) return null;
  return { key: file.id, payload: file, occurredAt: first };
};

/** TRIGGER_DROPBOX_FILE_DELETED: a deleted entry that was a file. */
export const deletedFile: Selector = async (ctx, entry) => {
  if (entry['.tag'] !== 'deleted') return null;
  const gone: DeletedMetadata = entry;
  const path = gone.path_lower ?? gone.path_display;
  if (!path) return null;
  let revisions: ListRevisionsResult;
  try {
    revisions = await rpc<ListRevisionsResult>(ctx.http, 'files/list_revisions', { path, mode: 'path', limit: 1 });
  } catch (err) {
    // not_file: a folder; not_found: nothing Dropbox knows as a file at that path (a deleted folder).
    if (err instanceof DropboxRouteError && err.is('path')) return null;
    throw err;
  }
  if (revisions.is_deleted && revisions.server_deleted) {
    return { key: `${path}:${revisions.server_deleted}`, payload: gone, occurredAt: Date.parse(revisions.server_deleted) };
  }
  // Deleted, then a new file was put at the same path before we looked: the deletion happened before that rev.
  const current = revisions.entries?.[0]?.rev;
  return current ? { key: `${path}:before:${current}`, payload: gone } : null;
};
