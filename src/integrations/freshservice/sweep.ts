// Polling a Freshservice list by update time: `GET /tickets?updated_since=…` and `GET /changes?updated_since=…`
// (https://api.freshservice.com/#filter_tickets, #list_all_changes). Freshservice lists sort by creation time (the
// ticket list takes `order_type`, no documented `order_by`), so a poll cannot re-anchor on the newest `updated_at`
// page by page. Instead each poll sweeps every page of one fixed query "updated since the cursor", by page number,
// and moves the cursor only when the sweep reached the last page (no `Link: rel="next"`):
// - the next query starts OVERLAP_MS before the newest `updated_at` seen, and one second earlier again (sinceParam):
//   what changed in the newest seconds is read twice, and the engine keeps each key once;
// - a sweep stops after MAX_PAGES_PER_POLL pages and the next poll continues at the following page of the same query;
// - `updated_since` is always sent, so the default window (items created in the last 30 days) never applies.
// Known limit (docs/integrations/freshservice.md): while a sweep of several pages runs, an older item updated
// meanwhile joins the fixed query at its creation position and can push one item across a page boundary.
import type { HttpClient, Item, PollContext, PollResult } from '../../sdk/index.js';
import { PAGE_SIZE, getPage, parseTime, sinceParam } from './api.js';

/** Re-read this much before the newest timestamp seen. */
export const OVERLAP_MS = 60_000;
/** The baseline poll reads (and records as seen) what changed this long before subscribing. */
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Stop a sweep after this many pages; the next poll continues from there. */
export const MAX_PAGES_PER_POLL = 10;

export interface FreshserviceRecord {
  id: number;
  status?: number;
  group_id?: number | null;
  created_at?: string;
  updated_at?: string;
  [k: string]: unknown;
}

export interface SweepCursor {
  v: 1;
  /** The query: records updated at or after this instant. */
  from: number;
  /** Where the unfinished sweep continues (absent: page 1). */
  page?: number;
  /** The newest `updated_at` read by the unfinished sweep so far. */
  newest?: number;
  /** Only records created at or after this instant are new (the baseline's start). */
  createdSince: number;
}

export function parseCursor(raw: unknown): SweepCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<SweepCursor>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from) || typeof c.createdSince !== 'number' || !Number.isFinite(c.createdSince)) return null;
  return {
    v: 1, from: c.from, createdSince: c.createdSince,
    ...(typeof c.page === 'number' && Number.isInteger(c.page) && c.page > 1 ? { page: c.page } : {}),
    ...(typeof c.newest === 'number' && Number.isFinite(c.newest) ? { newest: c.newest } : {}),
  };
}

export interface SweepSpec {
  /** Relative to apiBaseUrl: `/tickets`, `/changes`. */
  path: string;
  /** The list's member in the answer: `tickets`, `changes`. */
  member: string;
  /** Extra query parameters (e.g. `order_type`, `include`). */
  query?: Record<string, string>;
}

/** One poll: sweep the list updated since the cursor; `select` maps a record to the item to emit (or null). */
export async function sweep(
  ctx: Pick<PollContext<unknown>, 'http' | 'cursor' | 'now' | 'log'>,
  spec: SweepSpec,
  select: (record: FreshserviceRecord, cursor: SweepCursor) => Item | null,
): Promise<PollResult> {
  const http: HttpClient = ctx.http;
  const start = ctx.now() - BASELINE_LOOKBACK_MS;
  const cursor = parseCursor(ctx.cursor) ?? { v: 1 as const, from: start, createdSince: start };
  const found = new Map<string, Item>();
  let newest = cursor.newest ?? null;
  let page = cursor.page ?? 1;
  for (let read = 0; ; read++) {
    if (read >= MAX_PAGES_PER_POLL) {
      ctx.log.info('freshservice poll stopped at the page cap; the next poll continues', { path: spec.path, page });
      return { items: [...found.values()], cursor: { ...cursor, page, ...(newest !== null ? { newest } : {}) } };
    }
    const r = await getPage<FreshserviceRecord>(http, spec.path, spec.member, {
      updated_since: sinceParam(cursor.from), per_page: PAGE_SIZE, page, ...spec.query,
    }, ctx.now());
    for (const rec of r.items) {
      if (typeof rec?.id !== 'number') continue;
      const updated = parseTime(rec.updated_at);
      if (Number.isFinite(updated)) newest = newest === null ? updated : Math.max(newest, updated);
      const item = select(rec, cursor);
      if (item) found.set(item.key, item);
    }
    if (!r.more || r.items.length === 0) break;
    page++;
  }
  const from = newest === null ? cursor.from : Math.max(cursor.from, newest - OVERLAP_MS);
  const next: SweepCursor = { v: 1, from, createdSince: cursor.createdSince };
  return { items: [...found.values()], cursor: next };
}
