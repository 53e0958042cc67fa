// Polling a Gong list by a re-read window.
//
// Gong filters calls by their start time (the scheduled time for web conferences), not by when Gong finished
// processing them, and a call is listed only once recorded and processed: a one-hour meeting shows up an hour or
// more after its start. So each poll reads the whole window [previous poll − lookback, now) again and the engine
// keeps each key once; a call listed later than `lookbackMs` after its start time is not seen (docs/integrations/gong.md).
//
// - The cursor is `{v: 1, polledAt}`: the `to` of the last complete scan. The next scan starts `lookbackMs` before
//   it, so a poll that fails for hours loses nothing: the window simply grows.
// - A scan follows Gong's `records.cursor` up to MAX_PAGES pages; when more remain it stores `{scan: {from, to,
//   page}}` and the next poll continues that scan before starting a new one.
// - Baseline (cursor null): the same scan over the last `lookbackMs`, up to BASELINE_MAX_PAGES pages, so that every
//   call a later poll re-reads from before the subscription is recorded as seen.
import type { Item, PollContext, PollResult } from '../../sdk/index.js';
import type { GongPage } from './api.js';

export const MAX_PAGES = 10;
export const BASELINE_MAX_PAGES = 50;

export interface WindowSpec<T> {
  lookbackMs: number;
  /** One page of the records whose time is in [from, to). */
  page(from: number, to: number, cursor: string | undefined): Promise<GongPage<T>>;
  /** The item of one record, or null for a record without an id. */
  item(record: T): Item | null;
}

interface Scan {
  from: number;
  to: number;
  page: string;
}

interface Cursor {
  v: 1;
  polledAt: number;
  scan?: Scan;
}

function parseCursor(raw: unknown): Cursor | null {
  const c = raw as Partial<Cursor> | null;
  if (!c || typeof c.polledAt !== 'number' || !Number.isFinite(c.polledAt)) return null;
  const s = c.scan;
  const scan = s && typeof s.from === 'number' && typeof s.to === 'number' && typeof s.page === 'string' ? { from: s.from, to: s.to, page: s.page } : undefined;
  return { v: 1, polledAt: c.polledAt, ...(scan ? { scan } : {}) };
}

export async function pollWindow<T>(ctx: PollContext<unknown>, spec: WindowSpec<T>): Promise<PollResult> {
  const prev = parseCursor(ctx.cursor);
  const baseline = ctx.cursor === null;
  const now = ctx.now();
  const from = prev?.scan?.from ?? (prev ? prev.polledAt : now) - spec.lookbackMs;
  const to = prev?.scan?.to ?? now;
  let page = prev?.scan?.page;
  const items = new Map<string, Item>();
  const maxPages = baseline ? BASELINE_MAX_PAGES : MAX_PAGES;
  for (let n = 0; n < maxPages; n++) {
    const res = await spec.page(from, to, page);
    for (const r of res.records) {
      const item = spec.item(r);
      if (item && !items.has(item.key)) items.set(item.key, item);
    }
    if (!res.next) return { items: [...items.values()], cursor: { v: 1, polledAt: to } satisfies Cursor };
    page = res.next;
  }
  if (baseline) {
    // Nothing before the subscription may be delivered: start the next scan at `to`, leaving the unread rest of the
    // baseline window behind (logged; only a very busy account lists more than BASELINE_MAX_PAGES pages in it).
    ctx.log.warn('gong baseline window larger than the page cap; older records in it are skipped', { pages: maxPages });
    return { items: [...items.values()], cursor: { v: 1, polledAt: to + spec.lookbackMs } satisfies Cursor };
  }
  ctx.log.info('gong poll stopped at the page cap; the next poll continues the scan', { from: new Date(from).toISOString() });
  return { items: [...items.values()], cursor: { v: 1, polledAt: prev?.polledAt ?? to, scan: { from, to, page: page! } } satisfies Cursor };
}

/** An ISO time as epoch ms, or undefined. */
export function timeOf(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}
