// Polling Notion (API version 2025-09-03). Notion has no webhook-registration API, so every trigger polls.
//
// Timestamps: `created_time` and `last_edited_time` are truncated to the minute, so every bound is inclusive
// of its whole minute (`on_or_after` the minute) and items are keyed by id (created) or by id plus
// `last_edited_time` (updated): re-reading the minute is harmless because the engine keeps each key once.
//
// Data source queries (`POST /v1/data_sources/{id}/query`, the 2025-09-03 successor of
// `POST /v1/databases/{id}/query`) are read oldest first with a timestamp filter, by the SDK's timestamp poll
// (src/sdk/polling.ts): every page is a fresh query anchored at the newest minute seen — never a `start_cursor`
// continuation, because a cursor is a position in a result set that changes while we read. Only when a whole
// page shares one minute (an import) is `start_cursor` followed inside that minute, and that minute is read
// once more, bounded, on the next poll.
//
// Search (`POST /v1/search`) has no timestamp filter and sorts only by `last_edited_time`, so it is read newest
// first and stops at the first page reaching past the window. In that order an edit moves a page to the
// front, which can only repeat items on later pages, never skip them.
//
// Search and queries are eventually consistent: the next window starts OVERLAP before the newest timestamp
// seen, so an item indexed late is still found.
import { ProviderError, type HttpClient, type Item, type Logger, type TimestampQuery } from '../../sdk/index.js';

export const NOTION_VERSION = '2025-09-03';
export const PAGE_SIZE = 100;
/** Data source queries: re-read this much before the newest timestamp seen. */
export const QUERY_OVERLAP_MS = 5 * 60_000;
/** Search is indexed more lazily than queries: a wider overlap. */
export const SEARCH_OVERLAP_MS = 10 * 60_000;
/** Stop a poll after this many pages; the next poll continues. */
export const MAX_PAGES_PER_POLL = 50;
const MINUTE = 60_000;

export type TimestampField = 'created_time' | 'last_edited_time';

export interface NotionPage {
  object: 'page';
  id: string;
  created_time: string;
  last_edited_time: string;
  parent?: Record<string, unknown>;
  [k: string]: unknown;
}

interface ListResponse {
  object?: 'list';
  results?: Array<{ object?: string; [k: string]: unknown }>;
  next_cursor?: string | null;
  has_more?: boolean;
  request_status?: { type?: string; incomplete_reason?: string };
}

export const floorMinute = (t: number): number => Math.floor(t / MINUTE) * MINUTE;
const iso = (t: number): string => new Date(t).toISOString();

function isPage(r: { object?: string }): r is NotionPage {
  return r.object === 'page' && typeof (r as NotionPage).id === 'string';
}

// ── ids ──────────────────────────────────────────────────────────────────────────────────────────────
/** The 32-hex id in a Notion id (with or without dashes) or a Notion URL; null when there is none. */
export function extractNotionId(value: string): string | null {
  const path = value.trim().split(/[?#]/)[0] ?? '';
  const m = /([0-9a-f]{32})$/i.exec(path.replace(/-/g, ''));
  if (!m?.[1]) return null;
  const h = m[1].toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function validateDatabaseId(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  return extractNotionId(value) ? null : 'must be a Notion database id (32 hex digits, dashes optional) or the database URL';
}

/**
 * The data sources of a database (2025-09-03: a database is a container of one or more data sources). An id
 * that is itself a data source id is accepted too (Notion's app can copy either).
 */
export async function dataSourcesOf(http: HttpClient, databaseId: string): Promise<string[]> {
  const id = extractNotionId(databaseId);
  if (!id) throw new ProviderError('permanent', 'databaseId is not a Notion id');
  const db = await http.request<{ data_sources?: Array<{ id?: unknown }> }>({ path: `/v1/databases/${id}`, allowStatus: [404] });
  if (db.status === 200) {
    const ids = (db.body?.data_sources ?? []).map((d) => d.id).filter((x): x is string => typeof x === 'string');
    if (ids.length === 0) throw new ProviderError('permanent', `Notion database ${id} has no data source the integration can read`);
    return ids;
  }
  const ds = await http.request({ path: `/v1/data_sources/${id}`, allowStatus: [404] });
  if (ds.status === 200) return [id];
  throw new ProviderError('permanent', `Notion database ${id} was not found, or it is not shared with the integration (add the connection to the database in Notion)`, 404);
}

// ── data source query, oldest first ──────────────────────────────────────────────────────────────────
/** The data source's pages whose `field` is at or after an instant, oldest first, as a timestamp query (src/sdk/polling.ts). */
export function dataSourceQuery(http: HttpClient, dataSourceId: string, field: TimestampField): TimestampQuery<NotionPage> {
  return {
    async page({ from, until, token }) {
      const conditions: unknown[] = [{ timestamp: field, [field]: { on_or_after: iso(floorMinute(from)) } }];
      if (until !== undefined) conditions.push({ timestamp: field, [field]: { before: iso(until) } });
      const res = await http.post<ListResponse>(`/v1/data_sources/${dataSourceId}/query`, {
        filter: conditions.length === 1 ? conditions[0] : { and: conditions },
        sorts: [{ timestamp: field, direction: 'ascending' }],
        page_size: PAGE_SIZE,
        ...(token ? { start_cursor: token } : {}),
      });
      const pages = (res?.results ?? []).filter(isPage);
      return { items: pages, ...(res?.has_more && res.next_cursor ? { next: res.next_cursor } : {}) };
    },
    timestampOf: (page) => Date.parse(page[field]),
    maxAnchors: MAX_PAGES_PER_POLL,
  };
}

// ── search, newest first ─────────────────────────────────────────────────────────────────────────────
export interface SearchScan {
  pages: NotionPage[];
  newest: number | null;
  complete: boolean;
}

export async function scanSearch(http: HttpClient, from: number, log: Logger): Promise<SearchScan> {
  const bound = floorMinute(from);
  const pages: NotionPage[] = [];
  let newest: number | null = null;
  let token: string | undefined;
  for (let n = 0; n < MAX_PAGES_PER_POLL; n++) {
    const res = await http.post<ListResponse>('/v1/search', {
      filter: { property: 'object', value: 'page' },
      sort: { timestamp: 'last_edited_time', direction: 'descending' },
      page_size: PAGE_SIZE,
      ...(token ? { start_cursor: token } : {}),
    });
    // The whole page is read even past the first old item: search orders "best effort", so a newer item
    // may follow an older one on the same page.
    let reachedOld = false;
    for (const r of res?.results ?? []) {
      if (!isPage(r)) continue;
      const ts = Date.parse(r.last_edited_time);
      if (!Number.isFinite(ts)) continue;
      if (ts < bound) {
        reachedOld = true;
        continue;
      }
      pages.push(r);
      newest = newest === null ? ts : Math.max(newest, ts);
    }
    if (res?.request_status?.type === 'incomplete') {
      log.warn('notion search answered an incomplete result set', { reason: res.request_status.incomplete_reason });
    }
    if (reachedOld || !res?.has_more || !res.next_cursor) return { pages, newest, complete: true };
    token = res.next_cursor;
  }
  return { pages, newest, complete: false };
}

// ── cursors ──────────────────────────────────────────────────────────────────────────────────────────
export interface SearchCursor {
  v: 1;
  /** Where the subscription's window began: items created before it are never "new". */
  floor: number;
  from: number;
}

export interface QueryCursor {
  v: 1;
  floor: number;
  /** Per data source: read items whose timestamp is at or after this instant (its minute). */
  from: Record<string, number>;
  recheck?: Record<string, number>;
}

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export function parseSearchCursor(raw: unknown): SearchCursor | null {
  const c = raw as Partial<SearchCursor> | null;
  return c && num(c.floor) && num(c.from) ? { v: 1, floor: c.floor, from: c.from } : null;
}

export function parseQueryCursor(raw: unknown): QueryCursor | null {
  const c = raw as Partial<QueryCursor> | null;
  if (!c || !num(c.floor) || !c.from || typeof c.from !== 'object') return null;
  const from = Object.fromEntries(Object.entries(c.from).filter(([, v]) => num(v)));
  const recheck = c.recheck && typeof c.recheck === 'object' ? Object.fromEntries(Object.entries(c.recheck).filter(([, v]) => num(v))) : undefined;
  return { v: 1, floor: c.floor, from, ...(recheck && Object.keys(recheck).length > 0 ? { recheck } : {}) };
}

export function itemFor(page: NotionPage, key: string, field: TimestampField): Item {
  const at = Date.parse(page[field]);
  return { key, payload: page, ...(Number.isFinite(at) ? { occurredAt: at } : {}) };
}
