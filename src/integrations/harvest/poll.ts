// Polling a Harvest list by `updated_since` (time entries, projects, invoices). Harvest has no webhooks
// (docs/integrations/harvest.md), and its lists are not ordered by update time (time entries come by spent date,
// newest first), so a poll reads the whole "updated since" listing, following `links.next`, and only then moves on.
//
// Cursor design:
// - `from`: the next query asks `updated_since = from - 1 s` (Harvest does not say whether the bound is inclusive).
// - After a complete read, `from` becomes min(the instant the read began, the newest `updated_at` read) minus
//   OVERLAP_MS: anything updated while the pages were read, or stamped by a Harvest clock behind ours, is read again
//   next time. The engine keeps each key once, so re-reading is harmless.
// - A read stops after MAX_PAGES pages; the cursor then keeps the `links.next` query, and the next poll continues it.
// - `createdSince`: the baseline's start; "created" triggers emit only records created at or after it.
import type { Item, PollContext, PollResult } from '../../sdk/index.js';
import { isoSeconds, listPage, parseTime, type HarvestQuery } from './api.js';

/** Harvest's default and maximum page size. */
export const PAGE_SIZE = 2000;
export const MAX_PAGES = 5;
export const OVERLAP_MS = 5 * 60_000;
/** The baseline poll reads (and records as seen) what changed this long before subscribing. */
export const BASELINE_LOOKBACK_MS = 5 * 60_000;

export interface HarvestRecord {
  id: number;
  created_at?: string;
  updated_at?: string;
  [k: string]: unknown;
}

export interface HarvestCursor {
  v: 1;
  from: number;
  createdSince: number;
  /** An unfinished read: the `links.next` query to continue with, when it began, the newest `updated_at` so far. */
  next?: HarvestQuery;
  startedAt?: number;
  newest?: number;
}

function parseCursor(raw: unknown): HarvestCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<HarvestCursor>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from) || typeof c.createdSince !== 'number') return null;
  const next = c.next && typeof c.next === 'object' && typeof c.startedAt === 'number' ? { next: c.next, startedAt: c.startedAt } : {};
  return { v: 1, from: c.from, createdSince: c.createdSince, ...next, ...(typeof c.newest === 'number' ? { newest: c.newest } : {}) };
}

export interface ListSpec {
  path: string;
  collection: string;
  /** The list's own filters from the trigger parameters (e.g. `project_id`). */
  filters: HarvestQuery;
}

/** One poll of a list; `select` maps a record to the item to emit, or null. */
export async function pollList<P>(ctx: PollContext<P>, spec: ListSpec, select: (r: HarvestRecord, cursor: HarvestCursor) => Item | null): Promise<PollResult> {
  const now = ctx.now();
  const cursor = parseCursor(ctx.cursor) ?? { v: 1 as const, from: now - BASELINE_LOOKBACK_MS, createdSince: now - BASELINE_LOOKBACK_MS };
  const startedAt = cursor.startedAt ?? now;
  let newest = cursor.newest ?? null;
  let query: HarvestQuery = cursor.next ?? { ...spec.filters, updated_since: isoSeconds(cursor.from - 1000), per_page: String(PAGE_SIZE) };
  const found = new Map<string, Item>();
  for (let pages = 0; ; pages++) {
    if (pages >= MAX_PAGES) {
      ctx.log.info('harvest poll stopped at the page cap; the next poll continues', { path: spec.path });
      return { items: [...found.values()], cursor: { ...cursor, next: query, startedAt, ...(newest !== null ? { newest } : {}) } };
    }
    const page = await listPage<HarvestRecord>(ctx.http, spec.path, spec.collection, query, now);
    for (const r of page.records) {
      if (typeof r?.id !== 'number') continue;
      const updated = parseTime(r.updated_at);
      if (Number.isFinite(updated)) newest = newest === null ? updated : Math.max(newest, updated);
      const item = select(r, cursor);
      if (item) found.set(item.key, item);
    }
    if (!page.next) break;
    query = page.next;
  }
  const from = Math.max(cursor.from, Math.min(startedAt, newest ?? startedAt) - OVERLAP_MS);
  const next: HarvestCursor = { v: 1, from, createdSince: cursor.createdSince };
  return { items: [...found.values()], cursor: next };
}

/** For "created" triggers: the record, keyed by id, when created since the baseline's start. */
export function created(r: HarvestRecord, cursor: HarvestCursor): Item | null {
  const at = parseTime(r.created_at);
  if (!Number.isFinite(at) || at < cursor.createdSince) return null;
  return { key: String(r.id), payload: r, occurredAt: at };
}

/** For "updated" triggers: each new version (id and `updated_at`), the creation itself excluded. */
export function updated(r: HarvestRecord): Item | null {
  const at = parseTime(r.updated_at);
  if (!Number.isFinite(at) || at === parseTime(r.created_at)) return null;
  return { key: `${r.id}:${r.updated_at as string}`, payload: r, occurredAt: at };
}
