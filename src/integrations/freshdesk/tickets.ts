// Polling Freshdesk tickets with `GET /api/v2/tickets?updated_since=…&order_by=updated_at&order_type=asc`
// (https://developers.freshdesk.com/api/#list_all_tickets): the only list that can be asked "changed since".
//
// Cursor design (see docs/integrations/freshdesk.md):
// - Timestamps have second precision and Freshdesk does not say whether `updated_since` is inclusive, so a query
//   "from t" asks for `updated_since = t - 1 s` (api.ts, sinceParam): the newest second seen is always read again.
// - Paging is the SDK's timestamp poll (src/sdk/polling.ts): every page is a fresh query anchored at the newest
//   `updated_at` seen so far, never page N of an earlier query (an offset into a list that moves whenever a
//   ticket is updated). Only when a whole page of 100 shares one second is `page=N+1` followed inside it, and
//   that second is read once more on the next poll ("recheck"). Page numbers stop at 300 (Freshdesk's cap).
// - The next poll starts OVERLAP_MS before the newest `updated_at` seen; the engine keeps each key once.
// - A poll stops after MAX_PAGES_PER_POLL fresh queries; the next poll continues from there.
// - `updated_since` is always sent, so Freshdesk's default window (tickets created in the last 30 days) never
//   applies. Spam and deleted tickets are not listed by this endpoint.
import { pollByTimestamp, type HttpClient, type Item, type PollContext, type PollResult, type TimestampPosition, type TimestampQuery } from '../../sdk/index.js';
import { checkStoredDomain, getList, parseTime, sinceParam } from './api.js';

export const PAGE_SIZE = 100;
/** Freshdesk serves pages 1..300 of a list. */
export const MAX_PAGE_NUMBER = 300;
/** Re-read this much before the newest timestamp seen. */
export const OVERLAP_MS = 60_000;
/** The baseline poll reads (and records as seen) what changed this long before subscribing. */
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Stop a poll after this many re-anchored pages; the next poll continues from there. */
export const MAX_PAGES_PER_POLL = 20;

export interface FreshdeskTicket {
  id: number;
  status?: number;
  group_id?: number | null;
  company_id?: number | null;
  created_at?: string;
  updated_at?: string;
  [k: string]: unknown;
}

export interface TicketParams {
  groupId?: string | number;
  companyId?: string | number;
}

export interface TicketCursor {
  v: 1;
  /** Read tickets updated at or after this instant. */
  from: number;
  /** A second that had to be paged by page number last time: read it once more. */
  recheck?: number;
  /** Only tickets created at or after this instant are "new" (the baseline's start). */
  createdSince: number;
}

function parseCursor(raw: unknown): TicketCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<TicketCursor>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from) || typeof c.createdSince !== 'number') return null;
  return { v: 1, from: c.from, createdSince: c.createdSince, ...(typeof c.recheck === 'number' ? { recheck: c.recheck } : {}) };
}

/** Tickets updated at or after an instant, oldest first, as a timestamp query (src/sdk/polling.ts). */
export function ticketQuery(http: HttpClient): TimestampQuery<FreshdeskTicket> {
  return {
    async page({ from, until, token }) {
      const page = token ? Number(token) : 1;
      const tickets = await getList<FreshdeskTicket>(http, '/tickets', {
        updated_since: sinceParam(from), order_by: 'updated_at', order_type: 'asc', per_page: PAGE_SIZE, page,
      });
      let items = tickets.filter((t) => typeof t?.id === 'number');
      let more = tickets.length >= PAGE_SIZE && page < MAX_PAGE_NUMBER;
      if (until !== undefined) {
        // Freshdesk has no upper bound: stop at the first ticket past it (the list is oldest first).
        const kept = items.filter((t) => parseTime(t.updated_at) < until);
        if (kept.length < items.length) more = false;
        items = kept;
      }
      return { items, ...(more ? { next: String(page + 1) } : {}) };
    },
    timestampOf: (t) => parseTime(t.updated_at),
    boundOf: (t) => Math.floor(t / 1000),
    maxAnchors: MAX_PAGES_PER_POLL,
  };
}

function sameId(want: string | number | undefined, got: unknown): boolean {
  if (want === undefined || want === null || want === '') return true;
  return String(got) === String(want);
}

/** One poll of a ticket trigger. `select` maps a matching ticket to the item to emit (or null to skip). */
export async function pollTickets(
  ctx: PollContext<TicketParams>,
  select: (ticket: FreshdeskTicket, cursor: TicketCursor) => Item | null,
): Promise<PollResult> {
  checkStoredDomain(ctx.credential.extra);
  const start = ctx.now() - BASELINE_LOOKBACK_MS;
  const cursor = parseCursor(ctx.cursor) ?? { v: 1 as const, from: start, createdSince: start };
  const at: TimestampPosition = { from: cursor.from, ...(cursor.recheck !== undefined ? { recheck: cursor.recheck } : {}) };
  const r = await pollByTimestamp(ticketQuery(ctx.http), at, OVERLAP_MS);
  const found = new Map<string, Item>();
  for (const ticket of r.items) {
    if (!sameId(ctx.params.groupId, ticket.group_id) || !sameId(ctx.params.companyId, ticket.company_id)) continue;
    const item = select(ticket, cursor);
    if (item) found.set(item.key, item);
  }
  if (!r.complete) ctx.log.info('freshdesk poll stopped at the page cap; the next poll continues', { resumeAt: new Date(r.next.from).toISOString() });
  const next: TicketCursor = { v: 1, ...r.next, createdSince: cursor.createdSince };
  return { items: [...found.values()], cursor: next };
}
