// Polling HubSpot CRM records with the search API (`POST /crm/v3/objects/{objectType}/search`).
//
// Cursor design (see docs/integrations/hubspot.md):
// - Records are read oldest first by the record type's own timestamp property (contacts: `createdate` /
//   `lastmodifieddate`; companies, deals, tickets: `createdate` / `hs_lastmodifieddate`; custom objects:
//   `hs_createdate` / `hs_lastmodifieddate`), millisecond precision, filtered `GTE` the cursor.
// - Every page is a fresh search anchored at the newest timestamp seen on the previous page, never an `after`
//   continuation. `after` is a position in a result set that changes while we read (a record modified meanwhile
//   jumps to the end and the one after it slides onto the page we already read), and a search can page through at
//   most 10,000 results (the request past that is refused with 400). Restarting from the last timestamp seen on
//   every page makes both impossible: `after` is never sent, so the 10,000 window is never approached.
// - Records sharing the anchor's exact millisecond are read again by the next page (harmless: the engine keeps each
//   key once). When a whole page shares one millisecond (an import), that millisecond is read by record id
//   instead: `timestamp EQ t AND hs_object_id GT lastId`, sorted by `hs_object_id` — a keyset no insert or update
//   can shift — and then the scan continues with `timestamp GT t`.
// - The next poll starts OVERLAP before the newest timestamp seen: "newly created or updated objects may take a
//   moment to appear in search".
import { ProviderError, type HttpClient, type HttpResponse, type Item, type PollContext, type PollResult } from '../../sdk/index.js';

export const PAGE_SIZE = 200; // the search API's maximum `limit`
export const OVERLAP_MS = 5 * 60_000;
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Stop a poll after this many pages; the next poll continues where it stopped. */
export const MAX_PAGES_PER_POLL = 50;

export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
  [k: string]: unknown;
}

interface SearchResponse {
  total?: number;
  results?: HubSpotRecord[];
  paging?: { next?: { after?: string } };
}

export const STANDARD_TYPES = ['contacts', 'companies', 'deals', 'tickets'] as const;
const CUSTOM_TYPE = /^2-\d{1,18}$/;

export function validateRecordType(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if ((STANDARD_TYPES as readonly string[]).includes(value) || CUSTOM_TYPE.test(value)) return null;
  return `must be one of ${STANDARD_TYPES.join(', ')} or a custom object type id such as 2-123456`;
}

/** The timestamp properties of a record type: the names differ between objects. */
export function timestampProperty(recordType: string, kind: 'created' | 'modified'): string {
  if (recordType === 'contacts') return kind === 'created' ? 'createdate' : 'lastmodifieddate';
  if (CUSTOM_TYPE.test(recordType)) return kind === 'created' ? 'hs_createdate' : 'hs_lastmodifieddate';
  return kind === 'created' ? 'createdate' : 'hs_lastmodifieddate';
}

/** A record's timestamp in ms: the property (ISO 8601, or epoch ms as a string), else the top-level field. */
export function recordTime(r: HubSpotRecord, property: string, fallback: 'createdAt' | 'updatedAt'): number {
  const v = r.properties?.[property] ?? r[fallback];
  if (typeof v !== 'string' || v === '') return Number.NaN;
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
}

// ── 429 with HubSpot's policy ────────────────────────────────────────────────────────────────────────
function parseRetryAfter(v: string | undefined, now: number): number | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.ceil(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * HubSpot's 429 names the limit it hit: `DAILY` (waiting seconds is pointless: the daily budget resets at midnight
 * in the account's time zone, which we do not know, so we retry hourly), `TEN_SECONDLY_ROLLING` / `SECONDLY`
 * (the window is in X-HubSpot-RateLimit-Interval-Milliseconds). Search endpoints send no rate-limit headers; their
 * limit is a few requests per second per account.
 */
export function rateLimitError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { policyName?: string; message?: string };
  const policy = typeof body.policyName === 'string' ? body.policyName : undefined;
  const interval = Number(res.headers['x-hubspot-ratelimit-interval-milliseconds']);
  const retryAfter = parseRetryAfter(res.headers['retry-after'], now);
  let wait: number;
  if (retryAfter !== undefined) wait = retryAfter;
  else if (policy === 'DAILY') wait = 60 * 60_000;
  else if (Number.isFinite(interval) && interval > 0) wait = interval;
  else wait = 1_000;
  const message = `HubSpot rate limit${policy ? ` (${policy})` : ''}: ${body.message ?? 'too many requests'}`;
  return new ProviderError('rate_limited', message, 429, wait);
}

async function search(ctx: { http: HttpClient; now: () => number }, recordType: string, body: unknown): Promise<SearchResponse> {
  const res = await ctx.http.request<SearchResponse>({ method: 'POST', path: `/crm/v3/objects/${recordType}/search`, json: body, allowStatus: [429] });
  if (res.status === 429) throw rateLimitError(res, ctx.now());
  return res.body ?? {};
}

// ── the scan ─────────────────────────────────────────────────────────────────────────────────────────
export interface RecordCursor {
  v: 1;
  /** Read records whose timestamp is ≥ this (or > it when `strict`), in ms. */
  from: number;
  strict?: boolean;
}

function parseCursor(raw: unknown): RecordCursor | null {
  const c = raw as Partial<RecordCursor> | null;
  if (!c || typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return { v: 1, from: c.from, ...(c.strict === true ? { strict: true } : {}) };
}

export async function pollRecords(
  ctx: PollContext<{ recordType: string }>,
  kind: 'created' | 'modified',
  select: (r: HubSpotRecord, at: number) => Item | null,
): Promise<PollResult> {
  const recordType = ctx.params.recordType;
  const problem = validateRecordType(recordType);
  if (problem) throw new ProviderError('permanent', `recordType ${problem}`);
  const prop = timestampProperty(recordType, kind);
  const fallback = kind === 'created' ? 'createdAt' : 'updatedAt';
  const cursor = parseCursor(ctx.cursor);
  const from = cursor?.from ?? ctx.now() - BASELINE_LOOKBACK_MS;

  const found = new Map<string, Item>();
  let newest: number | null = null;
  const take = (results: HubSpotRecord[]): number | null => {
    let pageNewest: number | null = null;
    for (const r of results) {
      const at = recordTime(r, prop, fallback);
      if (typeof r.id !== 'string' || !Number.isFinite(at)) continue;
      pageNewest = pageNewest === null ? at : Math.max(pageNewest, at);
      const item = select(r, at);
      if (item) found.set(item.key, item);
    }
    if (pageNewest !== null) newest = newest === null ? pageNewest : Math.max(newest, pageNewest);
    return pageNewest;
  };

  let lower = from;
  let strict = cursor?.strict === true;
  for (let pages = 0; ; ) {
    const res = await search(ctx, recordType, {
      filterGroups: [{ filters: [{ propertyName: prop, operator: strict ? 'GT' : 'GTE', value: String(lower) }] }],
      sorts: [{ propertyName: prop, direction: 'ASCENDING' }],
      limit: PAGE_SIZE,
    });
    const results = res.results ?? [];
    const pageNewest = take(results);
    if (results.length < PAGE_SIZE || !res.paging?.next) {
      const next = Math.max(from, (newest ?? from) - OVERLAP_MS);
      // Overlap moves the window back, so a strict bound (only valid at `lower`) no longer applies.
      return { items: [...found.values()], cursor: { v: 1, from: next } satisfies RecordCursor };
    }
    if (pageNewest !== null && pageNewest > lower) {
      lower = pageNewest;
      strict = false;
    } else {
      // A full page of one millisecond: read that millisecond by record id, then continue after it.
      await readMillisecond(ctx, recordType, prop, lower, take);
      strict = true;
    }
    if (++pages >= MAX_PAGES_PER_POLL) {
      ctx.log.info('hubspot poll stopped at the page cap; the next poll continues', { recordType, from: new Date(lower).toISOString() });
      return { items: [...found.values()], cursor: { v: 1, from: lower, ...(strict ? { strict: true } : {}) } satisfies RecordCursor };
    }
  }
}

async function readMillisecond(
  ctx: { http: HttpClient; now: () => number },
  recordType: string,
  prop: string,
  at: number,
  take: (results: HubSpotRecord[]) => unknown,
): Promise<void> {
  let lastId = '0';
  for (;;) {
    const res = await search(ctx, recordType, {
      filterGroups: [{ filters: [
        { propertyName: prop, operator: 'EQ', value: String(at) },
        { propertyName: 'hs_object_id', operator: 'GT', value: lastId },
      ] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: PAGE_SIZE,
    });
    const results = res.results ?? [];
    take(results);
    const ids = results.map((r) => Number(r.id)).filter((n) => Number.isSafeInteger(n));
    if (results.length < PAGE_SIZE || !res.paging?.next || ids.length === 0) return;
    lastId = String(Math.max(...ids));
  }
}
