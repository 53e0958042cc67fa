// Envelopes: listStatusChanges (`GET /envelopes` under the account's base URL), read for one envelope status.
// https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges/
//
// `from_date` + `from_to_status=<status>` lists the envelopes that reached that status at or after from_date (the
// date range applies to that status, not to any change). Each trigger is one status, and an envelope reaches
// each of sent / completed / declined / voided at most once, so the envelope id is the item key.
//
// Cursor: the newest `<status>DateTime` seen. Each poll asks from OVERLAP_MS before it (the listing may show an
// event a little after it happened, and the engine keeps each envelope id once), reads pages of PAGE_SIZE with
// `start_position`, and stops after MAX_PAGES pages: the next poll then continues the same query at the next
// start position before moving the cursor. The baseline reads the last OVERLAP_MS once, so envelopes that
// reached the status just before subscribing are recorded as seen, not delivered.
import { ProviderError, providerErrorFor, retryAfterMs, type HttpClient, type HttpResponse, type Item, type PollContext, type PollResult } from '../../sdk/index.js';

export const PAGE_SIZE = 100;
export const MAX_PAGES = 10;
export const OVERLAP_MS = 5 * 60_000;
/** When DocuSign gives no reset time for a rate limit: the hourly quota resets on the hour, so wait a minute and try again. */
const RATE_LIMIT_PAUSE_MS = 60_000;
/** Error codes DocuSign answers (also with HTTP 400) when an API quota is exhausted. */
const RATE_LIMIT_CODES = new Set(['HOURLY_APIINVOCATION_LIMIT_EXCEEDED', 'BURST_APIINVOCATION_LIMIT_EXCEEDED', 'HOURLY_ENVELOPE_POLLING_LIMIT_EXCEEDED']);

export type EnvelopeStatus = 'sent' | 'completed' | 'declined' | 'voided';

/** The envelope field that says when it reached each status. */
export const STATUS_TIME_FIELD: Record<EnvelopeStatus, string> = {
  sent: 'sentDateTime',
  completed: 'completedDateTime',
  declined: 'declinedDateTime',
  voided: 'voidedDateTime',
};

export interface Envelope {
  envelopeId?: unknown;
  status?: unknown;
  [k: string]: unknown;
}

interface EnvelopesInformation {
  envelopes?: Envelope[];
  resultSetSize?: string | number;
  totalSetSize?: string | number;
  startPosition?: string | number;
}

interface EnvelopeCursor {
  v: 1;
  /** The newest event time seen (ms); the query starts OVERLAP_MS before it. */
  from: number;
  /** An unfinished query: its from_date (ms) and where it continues. */
  query?: number;
  start?: number;
  /** The newest event time the unfinished query has read so far. */
  newest?: number;
}

/**
 * DocuSign times carry seven fractional digits (`2026-03-02T15:22:09.2670000Z`); Date.parse is only specified
 * for three. NaN when missing or malformed.
 */
export function parseDocuSignTime(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(value.trim());
  if (!m) return Number.NaN;
  const ms = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  return Date.parse(`${m[1]}.${ms}${m[3] ?? 'Z'}`);
}

function parseCursor(raw: unknown): EnvelopeCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<EnvelopeCursor>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return {
    v: 1, from: c.from,
    ...(typeof c.query === 'number' && Number.isFinite(c.query) && typeof c.start === 'number' && Number.isSafeInteger(c.start) && c.start > 0 ? { query: c.query, start: c.start } : {}),
    ...(typeof c.newest === 'number' && Number.isFinite(c.newest) ? { newest: c.newest } : {}),
  };
}

/** DocuSign's error body is `{errorCode, message}`; the text keeps both (never a token). */
export function docuSignError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { errorCode?: unknown; message?: unknown };
  const code = typeof body.errorCode === 'string' ? body.errorCode : undefined;
  const text = `DocuSign ${res.status}${code ? ` ${code}` : ''}${typeof body.message === 'string' ? `: ${body.message}` : ''}`;
  if (res.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code.toUpperCase()))) {
    // X-RateLimit-Reset: when the hourly quota resets, as Unix seconds.
    const reset = Number(res.headers['x-ratelimit-reset']);
    const wait = Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000 - now) : retryAfterMs(res.headers['retry-after'], now);
    return new ProviderError('rate_limited', text, res.status, wait ?? RATE_LIMIT_PAUSE_MS);
  }
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

async function listPage(http: HttpClient, status: EnvelopeStatus, fromDate: number, start: number, now: number): Promise<EnvelopesInformation> {
  // 401 stays with the client: it refreshes the OAuth token once, then reports `auth`.
  const res = await http.request<unknown>({
    path: '/envelopes',
    query: { from_date: new Date(fromDate).toISOString(), from_to_status: status, count: PAGE_SIZE, start_position: start },
    allowStatus: [400, 403, 404, 429, 500, 502, 503, 504],
  });
  if (res.status >= 400) throw docuSignError(res, now);
  return res.body && typeof res.body === 'object' ? res.body : {};
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN);

/** Poll the envelopes that reached `status`, keyed by envelope id. */
export async function pollEnvelopes(ctx: PollContext, status: EnvelopeStatus): Promise<PollResult> {
  const field = STATUS_TIME_FIELD[status];
  const now = ctx.now();
  const cursor = parseCursor(ctx.cursor) ?? { v: 1 as const, from: now };
  const queryFrom = cursor.query ?? cursor.from - OVERLAP_MS;
  const found = new Map<string, Item>();
  let newest = cursor.newest ?? null;
  let start = cursor.start ?? 0;
  for (let read = 0; ; read++) {
    if (read >= MAX_PAGES) {
      ctx.log.info('docusign envelope poll stopped at the page cap; the next poll continues', { status, start });
      return { items: [...found.values()], cursor: { v: 1, from: cursor.from, query: queryFrom, start, ...(newest !== null ? { newest } : {}) } };
    }
    const page = await listPage(ctx.http, status, queryFrom, start, now);
    const envelopes = Array.isArray(page.envelopes) ? page.envelopes : [];
    for (const e of envelopes) {
      if (typeof e?.envelopeId !== 'string' || e.envelopeId === '') continue;
      const at = parseDocuSignTime(e[field]);
      if (!Number.isFinite(at)) continue; // not (yet) reached this status: nothing to say
      newest = newest === null ? at : Math.max(newest, at);
      found.set(e.envelopeId, { key: e.envelopeId, payload: e, occurredAt: at });
    }
    const size = num(page.resultSetSize);
    const total = num(page.totalSetSize);
    const got = Number.isFinite(size) ? size : envelopes.length;
    if (got === 0 || !Number.isFinite(total) || start + got >= total) break;
    start += got;
  }
  const from = newest === null ? cursor.from : Math.max(cursor.from, newest);
  return { items: [...found.values()], cursor: { v: 1, from } };
}
