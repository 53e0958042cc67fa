// Polling a Recurly list (accounts, subscriptions, invoices, transactions) by update time. The v3 API cannot create
// webhook endpoints (they are configured in the Recurly app, one set per site, see docs/integrations/recurly.md), so
// every trigger reads `GET /<list>?sort=updated_at&order=asc&begin_time=…`, following `next` while `has_more`.
// Recurly advises ascending order for updated_at so that records updated during the read are not moved behind the
// cursor.
//
// Cursor design:
// - `from`: the next query asks `begin_time = from` (inclusive, documented).
// - After a complete read, `from` becomes min(the instant the read began, the newest `updated_at` read) minus
//   OVERLAP_MS, never going back: records sharing a timestamp or stamped by a clock behind ours are read again.
//   The engine keeps each key once, so re-reading is harmless.
// - A read stops after MAX_PAGES pages; the cursor then keeps the `next` query, and the next poll continues it.
// - `createdSince`: the baseline's start; selectors emit only what happened at or after it.
import type { Item, PollContext, PollResult } from '../../sdk/index.js';
import { isoTime, listPage, parseTime, type RecurlyQuery } from './api.js';

/** Recurly's maximum page size. */
export const PAGE_SIZE = 200;
export const MAX_PAGES = 5;
export const OVERLAP_MS = 60_000;
/** The baseline poll reads (and records as seen) what changed this long before subscribing. */
export const BASELINE_LOOKBACK_MS = 60_000;

export interface RecurlyRecord {
  id: string;
  created_at?: string;
  updated_at?: string;
  [k: string]: unknown;
}

export interface RecurlyCursor {
  v: 1;
  from: number;
  createdSince: number;
  /** An unfinished read: the `next` query to continue with, when it began, the newest `updated_at` so far. */
  next?: RecurlyQuery;
  startedAt?: number;
  newest?: number;
}

function parseCursor(raw: unknown): RecurlyCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<RecurlyCursor>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from) || typeof c.createdSince !== 'number') return null;
  const next = c.next && typeof c.next === 'object' && typeof c.startedAt === 'number' ? { next: c.next, startedAt: c.startedAt } : {};
  return { v: 1, from: c.from, createdSince: c.createdSince, ...next, ...(typeof c.newest === 'number' ? { newest: c.newest } : {}) };
}

export type Selector = (r: RecurlyRecord, createdSince: number) => Item | null;

/** One poll of `path`; `select` maps a record to the item to emit, or null. */
export async function pollList<P>(ctx: PollContext<P>, path: string, select: Selector): Promise<PollResult> {
  const now = ctx.now();
  const cursor = parseCursor(ctx.cursor) ?? { v: 1 as const, from: now - BASELINE_LOOKBACK_MS, createdSince: now - BASELINE_LOOKBACK_MS };
  const startedAt = cursor.startedAt ?? now;
  let newest = cursor.newest ?? null;
  let query: RecurlyQuery = cursor.next ?? { sort: 'updated_at', order: 'asc', begin_time: isoTime(cursor.from), limit: String(PAGE_SIZE) };
  const found = new Map<string, Item>();
  for (let pages = 0; ; pages++) {
    if (pages >= MAX_PAGES) {
      ctx.log.info('recurly poll stopped at the page cap; the next poll continues', { path });
      return { items: [...found.values()], cursor: { ...cursor, next: query, startedAt, ...(newest !== null ? { newest } : {}) } };
    }
    const page = await listPage<RecurlyRecord>(ctx.http, path, query, now);
    for (const r of page.records) {
      if (typeof r?.id !== 'string' || r.id === '') continue;
      const updated = parseTime(r.updated_at);
      if (Number.isFinite(updated)) newest = newest === null ? updated : Math.max(newest, updated);
      const item = select(r, cursor.createdSince);
      if (item) found.set(item.key, item);
    }
    if (!page.next) break;
    query = page.next;
  }
  const from = Math.max(cursor.from, Math.min(startedAt, newest ?? startedAt) - OVERLAP_MS);
  return { items: [...found.values()], cursor: { v: 1, from, createdSince: cursor.createdSince } satisfies RecurlyCursor };
}

/** "Created" triggers: the record, keyed by id, when created since the baseline's start. */
export const created: Selector = (r, createdSince) => {
  const at = parseTime(r.created_at);
  if (!Number.isFinite(at) || at < createdSince) return null;
  return { key: r.id, payload: r, occurredAt: at };
};

/**
 * A record that reached a state: keyed by id, the state and the time it got there (`atField`, else updated_at), so a
 * later return to the same state (a subscription canceled, reactivated and canceled again) is a new event; `once`
 * keys by id and state alone, for states a record reaches only once (a transaction's outcome).
 */
export function reached(matches: (r: RecurlyRecord) => boolean, label: string, atField: string, opts: { once?: boolean } = {}): Selector {
  return (r, createdSince) => {
    if (!matches(r)) return null;
    const raw = typeof r[atField] === 'string' ? r[atField] : r.updated_at;
    const at = parseTime(raw);
    if (!Number.isFinite(at) || at < createdSince) return null;
    return { key: opts.once ? `${r.id}:${label}` : `${r.id}:${label}:${raw as string}`, payload: r, occurredAt: at };
  };
}

/** Only records passing `keep` (a trigger parameter applied to the record). */
export function where(select: Selector, keep: (r: RecurlyRecord) => boolean): Selector {
  return (r, createdSince) => (keep(r) ? select(r, createdSince) : null);
}
