// Workable SPI v3 calls shared by the triggers: the error reading, the rate-limit answer and the parameters.
//
// Errors: Workable answers failures as JSON with an `error` message. Rate limits are counted per token in 10-second
// intervals (account tokens: 10 requests per 10 s); over the limit the API answers 429, and every answer carries
// `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` ("timestamp of next interval")
// (https://workable.readme.io/reference/rate-limits).
import { ProviderError, providerErrorFor, retryAfterMs, type HttpResponse, type ParameterDefinition } from '../../sdk/index.js';

/** The interval length Workable counts requests in: the wait when a 429 says nothing usable. */
const RATE_INTERVAL_MS = 10_000;

/**
 * How long to wait after a 429: Retry-After when present; else `X-Rate-Limit-Reset`, read as a Unix time in seconds
 * (or milliseconds) when it is one, or as seconds to wait when it is small; else one 10-second interval.
 */
export function workableRateLimitWaitMs(headers: Record<string, string>, now: number): number {
  const retry = retryAfterMs(headers['retry-after'], now);
  if (retry !== undefined) return retry;
  const raw = headers['x-rate-limit-reset'];
  const n = raw !== undefined && /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
  if (Number.isFinite(n)) {
    const at = n > 1e12 ? n : n > 1e9 ? n * 1000 : now + n * 1000;
    const wait = Math.ceil(at - now);
    // A reset already past (clock skew) still waits a moment; one far away is capped at a minute.
    return Math.min(Math.max(wait, 1000), 60_000);
  }
  return RATE_INTERVAL_MS;
}

/** A failed answer as ProviderError with Workable's own message (never the token: it travels in a header). */
export function workableError(res: HttpResponse<unknown>, now: number, what = 'Workable'): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { error?: unknown; message?: unknown };
  const said = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : '';
  const text = `${what} ${res.status}${said ? `: ${said.slice(0, 300)}` : ''}`;
  if (res.status === 429) return new ProviderError('rate_limited', text, 429, workableRateLimitWaitMs(res.headers, now));
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_INTERVAL_MS });
}

export const ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

/** Job shortcodes are Workable's short upper-case codes (e.g. GROOV005, 8A5E3F4B1C). */
const SHORTCODE = /^[A-Za-z0-9]{1,32}$/;
/** Stage slugs are lower-case words joined by dashes or underscores (e.g. applied, phone-screen, hired). */
const STAGE_SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const optionalMatching = (re: RegExp, message: string) => (v: unknown) =>
  v === undefined || v === null || v === '' || (typeof v === 'string' && re.test(v)) ? null : message;

export const jobShortcodeParameter: ParameterDefinition = {
  id: 'jobShortcode',
  title: 'Job shortcode',
  type: 'TEXT',
  required: false,
  description: "Only candidates of this job: the job's shortcode (shown in the job's URL and in GET /jobs). Leave empty for every job.",
  placeholder: 'GROOV005',
  validate: optionalMatching(SHORTCODE, 'jobShortcode must be a Workable job shortcode: letters and digits, e.g. GROOV005'),
};

export const stageSlugParameter: ParameterDefinition = {
  id: 'stageSlug',
  title: 'Stage',
  type: 'TEXT',
  required: false,
  description: 'Only moves into this pipeline stage: its slug as GET /stages lists it (e.g. hired, interview). Leave empty for every stage.',
  placeholder: 'hired',
  validate: optionalMatching(STAGE_SLUG, 'stageSlug must be a Workable stage slug: lower-case letters, digits, dashes, e.g. phone-screen'),
};

export interface CandidateFilter {
  jobShortcode?: string;
  stageSlug?: string;
}

export interface Candidate {
  id?: unknown;
  stage?: unknown;
  updated_at?: unknown;
  created_at?: unknown;
  job?: { shortcode?: unknown } | null;
  [k: string]: unknown;
}

export const isId = (v: unknown): v is string | number => (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));

export const given = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
