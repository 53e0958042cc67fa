// One GraphQL call against monday.com (`POST https://api.monday.com/v2`, `API-Version` header), with monday's
// error shapes mapped to ProviderError kinds (https://developer.monday.com/api-reference/docs/errors):
// application-level errors come with HTTP 200 and an `errors` array whose `extensions.code` says what went
// wrong; transport-level ones with 4xx/5xx. Rate limits and the complexity budget say how long to wait in
// `extensions.retry_in_seconds` (https://developer.monday.com/api-reference/docs/rate-limits), in the
// `Retry-After` header, or — in the older `ComplexityException` body — as "reset in N seconds".
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

export interface MondayGraphqlErrorEntry {
  message?: unknown;
  extensions?: { code?: unknown; retry_in_seconds?: unknown; status_code?: unknown } | null;
}

/** The body of a monday answer: `data` and/or `errors`, or the older top-level `error_code`/`error_message`. */
interface MondayBody<T> {
  data?: T | null;
  errors?: MondayGraphqlErrorEntry[] | string[];
  error_code?: unknown;
  error_message?: unknown;
  status_code?: unknown;
}

const RATE_LIMIT_CODES = new Set([
  'COMPLEXITY_BUDGET_EXHAUSTED', 'ComplexityException', 'RATE_LIMIT_EXCEEDED', 'Rate Limit Exceeded',
  'IP_RATE_LIMIT_EXCEEDED', 'maxConcurrencyExceeded', 'MAX_CONCURRENCY_EXCEEDED', 'DAILY_LIMIT_EXCEEDED',
]);
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'NOT_AUTHENTICATED', 'Unauthorized']);
const NOT_FOUND_CODES = new Set(['RESOURCE_NOT_FOUND', 'ResourceNotFoundException', 'InvalidBoardIdException', 'NOT_FOUND']);

/** A refused monday operation, with monday's error codes kept for callers that tell cases apart. */
export class MondayApiError extends ProviderError {
  constructor(kind: ProviderError['kind'], message: string, readonly codes: string[], status?: number, retryAfterMs?: number) {
    super(kind, message, status, retryAfterMs);
    this.name = 'MondayApiError';
  }

  /** monday said the referenced object (a webhook, a board) does not exist. */
  get notFound(): boolean {
    return this.codes.some((c) => NOT_FOUND_CODES.has(c)) || /not found|does not exist/i.test(this.message);
  }
}

function millisUntilNextUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}

/** How long to wait, from the body (retry_in_seconds, "reset in N seconds") or the Retry-After header. */
function waitFor(res: HttpResponse<unknown>, entries: MondayGraphqlErrorEntry[], message: string, codes: string[], now: number): number {
  for (const e of entries) {
    const seconds = Number(e.extensions?.retry_in_seconds);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1000, seconds * 1000);
  }
  const reset = /reset in (\d+) seconds?/i.exec(message);
  if (reset) return Math.max(1000, Number(reset[1]) * 1000);
  const header = Number(res.headers['retry-after']);
  if (Number.isFinite(header) && header >= 0) return Math.max(1000, header * 1000);
  if (codes.includes('DAILY_LIMIT_EXCEEDED')) return millisUntilNextUtcMidnight(now);
  return 60_000;
}

function entriesOf(body: MondayBody<unknown> | null): MondayGraphqlErrorEntry[] {
  const out: MondayGraphqlErrorEntry[] = [];
  if (Array.isArray(body?.errors)) {
    for (const e of body.errors) out.push(typeof e === 'string' ? { message: e } : (e ?? {}));
  }
  if (body && (typeof body.error_code === 'string' || typeof body.error_message === 'string')) {
    out.push({ message: body.error_message, extensions: { code: body.error_code, status_code: body.status_code } });
  }
  return out;
}

/** A monday failure (HTTP status and/or GraphQL errors) as a ProviderError; the message is monday's, never a token. */
export function mondayError(res: HttpResponse<unknown>, now: number): MondayApiError {
  const body = (res.body && typeof res.body === 'object' ? res.body : null) as MondayBody<unknown> | null;
  const entries = entriesOf(body);
  const codes = entries.map((e) => e.extensions?.code).filter((c): c is string => typeof c === 'string');
  const messages = entries.map((e) => e.message).filter((m): m is string => typeof m === 'string' && m !== '');
  const message = [...new Set(messages)].join('; ').slice(0, 300) || `HTTP ${res.status}`;
  const statusCodes = entries.map((e) => Number(e.extensions?.status_code)).filter(Number.isFinite);
  const text = `monday.com: ${message}${codes.length ? ` (${[...new Set(codes)].join(', ')})` : ''}`;
  if (res.status === 429 || codes.some((c) => RATE_LIMIT_CODES.has(c)) || statusCodes.includes(429)) {
    return new MondayApiError('rate_limited', text, codes, res.status, waitFor(res, entries, message, codes, now));
  }
  if (res.status === 401 || codes.some((c) => AUTH_CODES.has(c)) || statusCodes.includes(401)) {
    return new MondayApiError('auth', text, codes, 401);
  }
  if (res.status >= 500 || statusCodes.some((s) => s >= 500)) return new MondayApiError('transient', text, codes, res.status);
  return new MondayApiError('permanent', text, codes, res.status);
}

/**
 * One GraphQL operation. HTTP 401 is left to the engine's HTTP client (it refreshes an OAuth token once and
 * classifies the rest as `auth`), like 5xx (`transient`); the statuses monday answers with a JSON error body
 * are read here so the message is monday's.
 */
export async function mondayGraphql<T>(
  ctx: { http: HttpClient; now: () => number },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await ctx.http.request<MondayBody<T> | null>({
    method: 'POST',
    path: '/v2',
    json: { query, variables },
    allowStatus: [400, 403, 404, 429],
  });
  const body = res.body && typeof res.body === 'object' ? res.body : null;
  if (res.status >= 400 || entriesOf(body).length > 0) throw mondayError(res, ctx.now());
  const data = body?.data;
  if (data === undefined || data === null) throw new MondayApiError('transient', `monday.com answered HTTP ${res.status} without data`, [], res.status);
  return data;
}
