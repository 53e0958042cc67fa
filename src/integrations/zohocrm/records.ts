// Polling Zoho CRM records through the Get Records API on the credential's api_domain.
//
// Cursor design (see docs/integrations/zohocrm.md):
// - `GET /crm/v2/{module}?sort_by=Modified_Time&sort_order=asc&per_page=200` with an `If-Modified-Since` header:
//   records modified since an instant, oldest first. Modified_Time has second precision, and whether the header
//   is inclusive is not documented, so every query asks from one second before the instant wanted: records of that
//   very second are always in the answer (a few read again are harmless: keys dedupe).
// - The scan is the SDK's pollByTimestamp: every page is a fresh query from the newest Modified_Time seen (page
//   numbers are offsets into a result set that shifts when records are modified while we read); only when a whole
//   page of 200 shares one second is the `page` number followed inside it, and that second is read once more on
//   the next poll.
// - Both triggers read by Modified_Time (a new record has one too): "created" keeps the records created since the
//   subscription started, keyed by id; "updated" keeps every version other than the creation, keyed by
//   `id:<Modified_Time in epoch ms>`.
// - The next poll starts OVERLAP before the newest Modified_Time seen. Baseline: the last BASELINE_LOOKBACK,
//   recorded as seen.
// - 304 (nothing modified since the header's instant) and 204 (no records) are empty pages.
import { pollByTimestamp, ProviderError, providerErrorFor, type HttpClient, type HttpResponse, type Item, type PollContext, type PollResult, type TimestampPosition } from '../../sdk/index.js';

export const API_VERSION = 'v2';
export const PAGE_SIZE = 200; // the most per_page allows
export const OVERLAP_MS = 5 * 60_000;
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Fresh queries per poll past the first; the next poll continues where this one stopped. */
export const MAX_ANCHORS = 25;
/** A 429 without Retry-After: Zoho limits concurrent calls and credits per rolling 24 hours. */
export const RATE_LIMIT_PAUSE_MS = 60_000;
const SECOND = 1000;

export const MODULES = ['Leads', 'Contacts', 'Accounts', 'Deals', 'Tasks'] as const;
export type ZohoModule = (typeof MODULES)[number];

export interface ZohoParams {
  recordType: string;
}

export interface ZohoRecord {
  id: string;
  Created_Time?: string;
  Modified_Time?: string;
  [field: string]: unknown;
}

interface RecordsPage {
  data?: ZohoRecord[];
  info?: { per_page?: number; count?: number; page?: number; more_records?: boolean };
}

export interface RecordCursor extends TimestampPosition {
  v: 1;
  /** "created": records created at or after this instant (the subscription's start) are new. */
  since: number;
}

// ── api domain ───────────────────────────────────────────────────────────────────────────────────────
/**
 * The account's API origin (https://www.zohoapis.eu for an EU account), from the token response's `api_domain`
 * saved at connect time. A credential without one uses the integration's apiBaseUrl (relative paths).
 */
export function apiDomain(extra: Record<string, unknown>): string {
  const raw = extra.api_domain;
  if (raw === undefined || raw === null || raw === '') return '';
  const invalid = () => new ProviderError('permanent', 'the Zoho CRM credential has an invalid api_domain; reconnect the account');
  if (typeof raw !== 'string') throw invalid();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid();
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') throw invalid();
  return url.origin;
}

// ── errors ───────────────────────────────────────────────────────────────────────────────────────────
/**
 * Zoho CRM answers errors as `{code, details, message, status: "error"}`. 401 (INVALID_TOKEN) is refreshed and
 * classified by the HTTP client before it gets here; an INVALID_TOKEN code on another status is `auth` too.
 * 429 is a rate limit (credits per rolling 24 hours, or concurrency); 5xx transient; the rest permanent.
 */
export function zohoError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { code?: unknown; message?: unknown };
  const code = typeof body.code === 'string' ? body.code : undefined;
  const message = typeof body.message === 'string' ? body.message : undefined;
  const text = `Zoho CRM ${code ?? `HTTP ${res.status}`}${message ? `: ${message}` : ''}`;
  if (res.status === 401 || code === 'INVALID_TOKEN' || code === 'AUTHENTICATION_FAILURE') return new ProviderError('auth', text, res.status);
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────────────
export function validateModule(value: unknown): string | null {
  return typeof value === 'string' && (MODULES as readonly string[]).includes(value) ? null : `must be one of ${MODULES.join(', ')}`;
}

/** An instant as If-Modified-Since takes it: ISO 8601 with an offset, to the second. */
export function ifModifiedSince(t: number): string {
  return new Date(Math.floor(t / SECOND) * SECOND).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function recordTime(r: ZohoRecord, field: 'Created_Time' | 'Modified_Time'): number {
  const v = r[field];
  return typeof v === 'string' ? Date.parse(v) : Number.NaN;
}

const GET_ALLOWED = [304, 400, 403, 404, 405, 429];

async function zohoGet<T>(ctx: { http: HttpClient; now: () => number }, path: string, query: Record<string, string | number>, headers?: Record<string, string>): Promise<{ status: number; body: T | null }> {
  const res = await ctx.http.request<T>({ path, query, ...(headers ? { headers } : {}), allowStatus: GET_ALLOWED });
  if (res.status === 304 || res.status === 204) return { status: res.status, body: null };
  if (res.status >= 400) throw zohoError(res, ctx.now());
  return { status: res.status, body: res.body };
}

/** `GET /crm/v2/org`: the organization the token belongs to (scope ZohoCRM.org.READ). */
export async function organization(http: HttpClient, base: string): Promise<{ id: string; zgid?: string; company_name?: string | null }> {
  const res = await zohoGet<{ org?: Array<{ id?: unknown; zgid?: unknown; company_name?: string | null }> }>({ http, now: Date.now }, `${base}/crm/${API_VERSION}/org`, {});
  const org = res.body?.org?.[0];
  if (!org || typeof org.id !== 'string') throw new ProviderError('permanent', 'Zoho CRM /org answered without an organization id');
  return { id: org.id, ...(typeof org.zgid === 'string' ? { zgid: org.zgid } : {}), company_name: org.company_name ?? null };
}

function parseCursor(raw: unknown): RecordCursor | null {
  const c = raw as Partial<RecordCursor> | null;
  if (!c || c.v !== 1 || typeof c.from !== 'number' || !Number.isFinite(c.from) || typeof c.since !== 'number') return null;
  return { v: 1, from: c.from, since: c.since, ...(typeof c.recheck === 'number' && Number.isFinite(c.recheck) ? { recheck: c.recheck } : {}) };
}

export async function pollRecords(ctx: PollContext<ZohoParams>, select: (r: ZohoRecord, cursor: RecordCursor) => Item | null): Promise<PollResult> {
  const module = ctx.params.recordType;
  const problem = validateModule(module);
  if (problem) throw new ProviderError('permanent', `recordType ${problem}`);
  const path = `${apiDomain(ctx.credential.extra)}/crm/${API_VERSION}/${module}`;
  const start = ctx.now() - BASELINE_LOOKBACK_MS;
  const at: RecordCursor = parseCursor(ctx.cursor) ?? { v: 1, from: start, since: start };

  const r = await pollByTimestamp<ZohoRecord>(
    {
      async page({ from, until, token }) {
        const page = token ? Number(token) : 1;
        const res = await zohoGet<RecordsPage>(
          ctx,
          path,
          { sort_by: 'Modified_Time', sort_order: 'asc', per_page: PAGE_SIZE, page },
          { 'if-modified-since': ifModifiedSince(from - SECOND) },
        );
        const all = (res.body?.data ?? []).filter((x) => x && typeof x.id === 'string');
        const items = until === undefined ? all : all.filter((x) => recordTime(x, 'Modified_Time') < until);
        const last = all.length > 0 ? recordTime(all[all.length - 1]!, 'Modified_Time') : Number.NaN;
        const more = res.body?.info?.more_records === true && all.length > 0 && (until === undefined || last < until);
        return { items, ...(more ? { next: String(page + 1) } : {}) };
      },
      timestampOf: (x) => recordTime(x, 'Modified_Time'),
      boundOf: (t) => Math.floor(t / SECOND),
      maxAnchors: MAX_ANCHORS,
    },
    at,
    OVERLAP_MS,
  );
  if (!r.complete) ctx.log.info('zoho crm poll stopped at the query cap; the next poll continues', { module, from: new Date(r.next.from).toISOString() });

  const next: RecordCursor = { v: 1, since: at.since, ...r.next };
  const found = new Map<string, Item>();
  for (const rec of r.items) {
    const item = select(rec, next);
    if (item) found.set(item.key, item);
  }
  return { items: [...found.values()], cursor: next };
}
