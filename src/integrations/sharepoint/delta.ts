// Reading SharePoint through Microsoft Graph v1.0 delta queries. A list subscription's notifications (and a
// document library's drive root's) name no item (https://learn.microsoft.com/graph/api/resources/subscription:
// `updated` only), so every notification, lifecycle event and backstop sync reads the changes from the deltaLink
// kept in the subscription state: list items with https://learn.microsoft.com/graph/api/listitem-delta, library
// files with https://learn.microsoft.com/graph/api/driveitem-delta. Each trigger then keeps the changes it is about.
import { ProviderError, type HttpClient } from '../../sdk/index.js';
import { readAllPages, relativeGraphLink } from '../../sdk/providers/microsoft-graph.js';

/** What the delta queries return (only what we read is typed): a listItem or a driveItem. */
export interface DeltaItem extends Record<string, unknown> {
  id: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  eTag?: string;
  file?: unknown;
  folder?: unknown;
  root?: unknown;
  deleted?: unknown;
  fields?: Record<string, unknown>;
}

export interface DeltaCursor {
  /** Where the next delta round starts. */
  deltaLink: string | null;
  /** When the last round started. */
  syncedAt: number;
}

/** One delta feed: the path of its delta function and the query every round of it needs. */
export interface DeltaFeed {
  path: string;
  /** e.g. `$expand=fields` for list items (https://learn.microsoft.com/graph/api/listitem-delta: `$expand` is supported). */
  query?: Record<string, string>;
}

/** After Graph forgets a delta token (410), items changed this long before the last sync are read again. */
export const RESYNC_OVERLAP_MS = 60 * 60_000;
/** A full round after a lost token is read 200 items a page (`$top`, supported by both delta functions). */
const PAGE = '200';

/** Graph's answer to a delta token it no longer knows: 410 Gone (resyncChangesApplyDifferences, resyncRequired…). */
const syncStateLost = (err: unknown) => err instanceof ProviderError && (err.status === 410 || /resync/i.test(err.message));
const time = (s: unknown) => (typeof s === 'string' ? Date.parse(s) : NaN);

/**
 * A stored deltaLink as a path on the configured API base, with the feed's own query parameters set again (we
 * do not rely on Graph carrying `$expand` over into the links it returns; not confirmed either way).
 */
export function deltaLinkPath(link: string, feed: DeltaFeed): string {
  const url = new URL(relativeGraphLink(link), 'https://graph.invalid');
  for (const [k, v] of Object.entries(feed.query ?? {})) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}`;
}

/**
 * The cursor at subscribe time: `token=latest` answers no items and a deltaLink from now on, so the baseline
 * costs one request whatever the list's or library's size (documented for both delta functions).
 */
export async function startDeltaCursor(http: HttpClient, feed: DeltaFeed, baselineAt: number): Promise<DeltaCursor> {
  const r = await readAllPages<DeltaItem>(http, { path: feed.path, query: { ...feed.query, token: 'latest' } });
  return { deltaLink: r.deltaLink, syncedAt: baselineAt };
}

/**
 * The items changed since the cursor. After a lost token a full round enumerates the current items: those
 * modified since a while before the last sync are kept (keys drop what was already delivered); deletions in
 * that window are not seen again.
 */
export async function readDeltaChanges(http: HttpClient, feed: DeltaFeed, cursor: unknown, baselineAt: number, now: number): Promise<{ items: DeltaItem[]; cursor: DeltaCursor }> {
  const c = (cursor ?? {}) as Partial<DeltaCursor>;
  if (typeof c.deltaLink === 'string') {
    try {
      const r = await readAllPages<DeltaItem>(http, { path: deltaLinkPath(c.deltaLink, feed) });
      return { items: r.values.filter((i) => typeof i?.id === 'string'), cursor: { deltaLink: r.deltaLink, syncedAt: now } };
    } catch (err) {
      if (!syncStateLost(err)) throw err;
    }
  }
  const from = Math.max(baselineAt, (Number(c.syncedAt) || baselineAt) - RESYNC_OVERLAP_MS);
  const r = await readAllPages<DeltaItem>(http, { path: feed.path, query: { ...feed.query, $top: PAGE } });
  const items = r.values.filter((i) => typeof i?.id === 'string' && i.deleted === undefined && time(i.lastModifiedDateTime) >= from);
  return { items, cursor: { deltaLink: r.deltaLink, syncedAt: now } };
}

const live = (i: DeltaItem) => i.deleted === undefined || i.deleted === null;
const at = (ms: number) => (Number.isFinite(ms) ? { occurredAt: ms } : {});

/**
 * Created: an item (not deleted) whose createdDateTime is at or after the subscription's start. Keyed by the
 * item id (list item ids are never reused in a list; driveItem ids are unique in a drive), so a later edit of
 * the same item, a Graph retry or a second read of the same round is not a new creation.
 */
export function createdSince<T extends DeltaItem>(items: T[], baselineAt: number, keep: (i: T) => boolean = () => true) {
  return items
    .filter((i) => live(i) && keep(i) && time(i.createdDateTime) >= baselineAt)
    .map((i) => ({ key: i.id, payload: i, ...at(time(i.createdDateTime)) }));
}

/**
 * Updated: an item (not deleted) modified after its creation, at or after the subscription's start. Keyed by
 * id and eTag (a new one with every version; the same when the same version is read again), else
 * lastModifiedDateTime.
 */
export function updatedSince<T extends DeltaItem>(items: T[], baselineAt: number) {
  return items
    .filter((i) => live(i) && time(i.lastModifiedDateTime) >= baselineAt && time(i.lastModifiedDateTime) > time(i.createdDateTime))
    .map((i) => ({ key: `${i.id}:${typeof i.eTag === 'string' ? i.eTag : String(i.lastModifiedDateTime)}`, payload: i, ...at(time(i.lastModifiedDateTime)) }));
}
