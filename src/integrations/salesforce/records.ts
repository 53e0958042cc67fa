// Polling Salesforce records with SOQL through the REST query resource, on the credential's instance_url.
//
// Cursor design (see docs/integrations/salesforce.md):
// - Records are read oldest first by their timestamp field (`CreatedDate` for "created", `SystemModstamp` for
//   "updated": SystemModstamp also moves when automation changes a record, and it is indexed), then by `Id`:
//   `ORDER BY <ts> ASC, Id ASC`.
// - Pages are keyset pages, not offsets: each query starts strictly after the last (timestamp, Id) read —
//   `<ts> > t OR (<ts> = t AND Id > 'id')` — so records that share a second are never skipped, and a record
//   modified while we read moves to the end of the order instead of shifting another one out of a page.
//   `SELECT FIELDS(ALL)` (every field, without a describe call) is only allowed with `LIMIT 200`, which is our
//   page size; a response that is not `done` anyway is followed through `nextRecordsUrl`.
// - The next poll starts OVERLAP before the newest timestamp read, keyset reset: a record whose transaction
//   committed late, with an older timestamp, is still found. Re-reads are harmless (keys are stored once).
// - Keys: `Id` (created), `Id:SystemModstamp` (updated; the creation itself is not an update).
import { ProviderError, type HttpClient, type HttpResponse, type Item, type PollContext, type PollResult } from '../../sdk/index.js';
import { API_VERSION, compileFilter, dateTimeLiteral, stringLiteral, validateObjectName, type FieldInfo } from './soql.js';

export const PAGE_SIZE = 200; // the most FIELDS(ALL) allows
export const OVERLAP_MS = 5 * 60_000;
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Stop a poll after this many pages; the next poll continues from the keyset position. */
export const MAX_PAGES_PER_POLL = 50;
/** Daily API request limit: the 24-hour allowance is rolling, so look again a little later. */
const DAILY_LIMIT_PAUSE_MS = 15 * 60_000;
const CONCURRENCY_LIMIT_PAUSE_MS = 30_000;

export interface SalesforceParams {
  recordType: string;
  filterFormula?: unknown;
}

export interface SalesforceRecord {
  attributes?: { type?: string; url?: string };
  Id: string;
  CreatedDate?: string;
  SystemModstamp?: string;
  [field: string]: unknown;
}

interface QueryResponse {
  totalSize?: number;
  done?: boolean;
  nextRecordsUrl?: string;
  records?: SalesforceRecord[];
}

export interface RecordCursor {
  v: 1;
  /** Read records whose timestamp is ≥ this (ms), or — with `afterId` — strictly after (from, afterId). */
  from: number;
  afterId?: string;
  /** The pushed-down part of filterFormula, compiled once at subscribe time from the object's describe. */
  where?: string | null;
}

// ── instance URL ─────────────────────────────────────────────────────────────────────────────────────
/** The org's API host, saved from the token response at connect time; every query goes there. */
export function instanceUrl(extra: Record<string, unknown>): string {
  const raw = extra.instance_url;
  if (typeof raw !== 'string' || raw === '') {
    throw new ProviderError('permanent', 'the Salesforce credential has no instance_url; reconnect the account');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProviderError('permanent', 'the Salesforce credential has an invalid instance_url; reconnect the account');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
    throw new ProviderError('permanent', 'the Salesforce credential has an invalid instance_url; reconnect the account');
  }
  return url.origin;
}

// ── errors ───────────────────────────────────────────────────────────────────────────────────────────
interface SalesforceError {
  message?: string;
  errorCode?: string;
}

function firstError(body: unknown): SalesforceError {
  const list = Array.isArray(body) ? body : [body];
  const e = list[0];
  return e && typeof e === 'object' ? (e as SalesforceError) : {};
}

/**
 * Salesforce answers errors as `[{message, errorCode}]`. 401 (INVALID_SESSION_ID) never reaches here: the
 * HTTP client refreshes the token and retries once, then throws `auth`. REQUEST_LIMIT_EXCEEDED (403: the
 * org's rolling 24-hour API allowance, or too many concurrent long requests) slows the credential down.
 */
export function salesforceError(res: HttpResponse<unknown>): ProviderError {
  const { message, errorCode } = firstError(res.body);
  const text = `Salesforce ${errorCode ?? `HTTP ${res.status}`}${message ? `: ${message}` : ''}`;
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    const concurrent = /concurrent/i.test(message ?? '');
    return new ProviderError('rate_limited', text, res.status, concurrent ? CONCURRENCY_LIMIT_PAUSE_MS : DAILY_LIMIT_PAUSE_MS);
  }
  if (res.status === 401 || errorCode === 'INVALID_SESSION_ID') return new ProviderError('auth', text, res.status);
  if (res.status === 429) return new ProviderError('rate_limited', text, res.status, DAILY_LIMIT_PAUSE_MS);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

async function sfGet<T>(http: HttpClient, url: string, query?: Record<string, string>): Promise<T> {
  const res = await http.request<T>({ path: url, ...(query ? { query } : {}), allowStatus: [400, 403, 404, 429] });
  if (res.status >= 400) throw salesforceError(res);
  return res.body;
}

// ── describe (once, for the filter push-down) ────────────────────────────────────────────────────────
export async function describeFields(http: HttpClient, base: string, recordType: string): Promise<FieldInfo[]> {
  const d = await sfGet<{ fields?: FieldInfo[] }>(http, `${base}/services/data/${API_VERSION}/sobjects/${recordType}/describe`);
  return (d?.fields ?? []).filter((f) => f && typeof f.name === 'string' && typeof f.type === 'string');
}

// ── the scan ─────────────────────────────────────────────────────────────────────────────────────────
export type TimestampField = 'CreatedDate' | 'SystemModstamp';

function parseCursor(raw: unknown): RecordCursor | null {
  const c = raw as Partial<RecordCursor> | null;
  if (!c || c.v !== 1 || typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return {
    v: 1,
    from: c.from,
    ...(typeof c.afterId === 'string' && /^[A-Za-z0-9]{15,18}$/.test(c.afterId) ? { afterId: c.afterId } : {}),
    ...(c.where !== undefined ? { where: typeof c.where === 'string' ? c.where : null } : {}),
  };
}

export function recordTime(r: SalesforceRecord, field: TimestampField): number {
  const v = r[field];
  return typeof v === 'string' ? Date.parse(v) : Number.NaN;
}

/** The SOQL for one keyset page. Every interpolated piece is a validated name, a literal or our compiled filter. */
export function pageQuery(recordType: string, field: TimestampField, from: number, afterId: string | undefined, where: string | null | undefined): string {
  const at = dateTimeLiteral(from);
  const position = afterId === undefined ? `${field} >= ${at}` : `(${field} > ${at} OR (${field} = ${at} AND Id > ${stringLiteral(afterId)}))`;
  const conditions = where ? `${position} AND ${where}` : position;
  return `SELECT FIELDS(ALL) FROM ${recordType} WHERE ${conditions} ORDER BY ${field} ASC, Id ASC LIMIT ${PAGE_SIZE}`;
}

export async function pollRecords(
  ctx: PollContext<SalesforceParams>,
  field: TimestampField,
  select: (r: SalesforceRecord, at: number) => Item | null,
): Promise<PollResult> {
  const { recordType, filterFormula } = ctx.params;
  const problem = validateObjectName(recordType);
  if (problem) throw new ProviderError('permanent', `recordType ${problem}`);
  const base = instanceUrl(ctx.credential.extra);
  const cursor = parseCursor(ctx.cursor);

  // The push-down is compiled once (at subscribe time, or when a cursor predates it) and kept in the cursor.
  let where: string | null;
  if (cursor?.where !== undefined) where = cursor.where;
  else if (filterFormula !== undefined && filterFormula !== null) where = compileFilter(filterFormula, await describeFields(ctx.http, base, recordType));
  else where = null;

  const start = cursor?.from ?? ctx.now() - BASELINE_LOOKBACK_MS;
  let from = start;
  let afterId = cursor?.afterId;
  const found = new Map<string, Item>();
  let newest: number | null = null;
  const queryUrl = `${base}/services/data/${API_VERSION}/query`;

  for (let pages = 0; pages < MAX_PAGES_PER_POLL; pages++) {
    const records: SalesforceRecord[] = [];
    let res = await sfGet<QueryResponse>(ctx.http, queryUrl, { q: pageQuery(recordType, field, from, afterId, where) });
    records.push(...(res?.records ?? []));
    // Salesforce may split even a 200-row result into batches.
    while (res && res.done === false && typeof res.nextRecordsUrl === 'string' && res.nextRecordsUrl.startsWith('/services/data/')) {
      res = await sfGet<QueryResponse>(ctx.http, `${base}${res.nextRecordsUrl}`);
      records.push(...(res?.records ?? []));
    }
    let last: { at: number; id: string } | null = null;
    for (const r of records) {
      const at = recordTime(r, field);
      if (typeof r.Id !== 'string' || !Number.isFinite(at)) continue;
      newest = newest === null ? at : Math.max(newest, at);
      if (!last || at > last.at || (at === last.at && r.Id > last.id)) last = { at, id: r.Id };
      const item = select(r, at);
      if (item) found.set(item.key, item);
    }
    if (records.length < PAGE_SIZE || !last) {
      // Caught up: start the next poll a little before the newest record seen, keyset reset.
      const next = Math.max(start, (newest ?? start) - OVERLAP_MS);
      return { items: [...found.values()], cursor: { v: 1, from: next, where } satisfies RecordCursor };
    }
    from = last.at;
    afterId = last.id;
  }
  ctx.log.info('salesforce poll stopped at the page cap; the next poll continues', { recordType, from: new Date(from).toISOString() });
  return { items: [...found.values()], cursor: { v: 1, from, ...(afterId !== undefined ? { afterId } : {}), where } satisfies RecordCursor };
}
