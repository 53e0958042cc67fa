// Polling a Harvest v3 list by `created_at=gte|…` ("created" triggers) or `updated_at=gte|…` ("updated" triggers).
// Greenhouse Harvest v3 has no webhooks a credential can register (they are set up in Greenhouse's UI only), so every
// trigger polls. The list order is not documented, so a poll reads the whole filtered listing, following the Link
// header's next cursor, and only then moves its bound on.
//
// Cursor design:
// - `from`: the next query asks `<field>=gte|from` (inclusive).
// - After a complete read, `from` becomes min(the instant the read began, the newest timestamp read) minus
//   OVERLAP_MS, never earlier than before: anything stamped while the pages were read, or by a Greenhouse clock behind
//   ours, is read again next time. The engine keeps each key once, so re-reading is harmless.
// - A read stops after MAX_PAGES pages; the cursor then keeps the next page's query (the opaque `cursor` alone), and
//   the next poll continues it.
// - The baseline (no cursor) reads what changed in the BASELINE_LOOKBACK_MS before subscribing; it is recorded as seen.
import type { Item, PollContext, PollResult } from '../../sdk/index.js';
import { listPage, parseTime, type GreenhouseQuery } from './api.js';

/** Records per page asked on the first request (v1/v2 allowed up to 500; v3's maximum is not confirmed). */
export const PAGE_SIZE = 500;
export const MAX_PAGES = 5;
export const OVERLAP_MS = 5 * 60_000;
export const BASELINE_LOOKBACK_MS = 5 * 60_000;

export interface GreenhouseRecord {
  id: number;
  created_at?: string;
  updated_at?: string;
  [k: string]: unknown;
}

export interface GreenhouseCursor {
  v: 1;
  from: number;
  /** An unfinished read: the next page's query, when the read began, the newest timestamp so far. */
  next?: GreenhouseQuery;
  startedAt?: number;
  newest?: number;
}

function parseCursor(raw: unknown): GreenhouseCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<GreenhouseCursor>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  const next = c.next && typeof c.next === 'object' && typeof c.startedAt === 'number' ? { next: c.next, startedAt: c.startedAt } : {};
  return { v: 1, from: c.from, ...next, ...(typeof c.newest === 'number' ? { newest: c.newest } : {}) };
}

export interface ListSpec {
  path: string;
  /** The timestamp the list is filtered and the cursor moved by. */
  field: 'created_at' | 'updated_at';
  /** Extra filters from the trigger parameters (e.g. `job_ids`), on the first request only. */
  filters?: GreenhouseQuery;
  /** The item for a record, or null to skip it. */
  select: (r: GreenhouseRecord) => Item | null;
}

/** Greenhouse writes `2024-12-15T03:55:00.000Z`. */
export function isoMillis(t: number): string {
  return new Date(t).toISOString();
}

export async function pollList<P>(ctx: PollContext<P>, spec: ListSpec): Promise<PollResult> {
  const now = ctx.now();
  const cursor = parseCursor(ctx.cursor) ?? { v: 1 as const, from: now - BASELINE_LOOKBACK_MS };
  const startedAt = cursor.startedAt ?? now;
  let newest = cursor.newest ?? null;
  let query: GreenhouseQuery = cursor.next ?? { ...spec.filters, [spec.field]: `gte|${isoMillis(cursor.from)}`, per_page: String(PAGE_SIZE) };
  const found = new Map<string, Item>();
  for (let pages = 0; ; pages++) {
    if (pages >= MAX_PAGES) {
      ctx.log.info('greenhouse poll stopped at the page cap; the next poll continues', { path: spec.path });
      return { items: [...found.values()], cursor: { ...cursor, next: query, startedAt, ...(newest !== null ? { newest } : {}) } };
    }
    const page = await listPage<GreenhouseRecord>(ctx.http, spec.path, query, now);
    for (const r of page.records) {
      if (!r || typeof r.id !== 'number') continue;
      const at = parseTime(r[spec.field]);
      if (Number.isFinite(at)) newest = newest === null ? at : Math.max(newest, at);
      const item = spec.select(r);
      if (item) found.set(item.key, item);
    }
    if (!page.next) break;
    query = page.next;
  }
  const from = Math.max(cursor.from, Math.min(startedAt, newest ?? startedAt) - OVERLAP_MS);
  return { items: [...found.values()], cursor: { v: 1, from } satisfies GreenhouseCursor };
}

/** For "created" triggers: the record, keyed by its id. */
export function created(r: GreenhouseRecord): Item | null {
  const at = parseTime(r.created_at);
  return { key: String(r.id), payload: r, ...(Number.isFinite(at) ? { occurredAt: at } : {}) };
}

/** For "updated" triggers: each new version (id and `updated_at`), the creation itself excluded. */
export function updated(r: GreenhouseRecord): Item | null {
  const at = parseTime(r.updated_at);
  if (!Number.isFinite(at) || at === parseTime(r.created_at)) return null;
  return { key: `${r.id}:${r.updated_at as string}`, payload: r, occurredAt: at };
}
