// Recurly API v2021-02-25 (https://recurly.com/developers/api/v2021-02-25/): the version header, Recurly's error
// shape and one page of a list.
//
// - Every request names the API version in `Accept: application/vnd.recurly.v2021-02-25+json` (without it Recurly
//   answers 406 `invalid_api_version`); the key is sent as HTTP Basic user name with an empty password.
// - Lists answer `{object: "list", has_more, next, data: [...]}`; `next` is a path with the query to continue with
//   (e.g. `/accounts?cursor=…&limit=200&sort=updated_at`). Only its query string is used, on the same path relative
//   to apiBaseUrl: the host of an answer is never called.
// - Errors answer `{error: {type, message, params?}}`. 429 carries no Retry-After; `X-RateLimit-Reset` holds the Unix
//   time (seconds) at which the request count resets (rate limits are counted over a sliding 5-minute window).
import { ProviderError, providerErrorFor, retryAfterMs, type HttpClient, type HttpResponse } from '../../sdk/index.js';

export const RECURLY_ACCEPT = 'application/vnd.recurly.v2021-02-25+json';

/** Statuses our calls read themselves, to keep Recurly's own message. */
export const RECURLY_HANDLED_STATUSES = [400, 401, 403, 404, 406, 422, 429];

/** Without a usable reset time, wait one minute (the limit is per minute over a sliding 5-minute window). */
const RATE_LIMIT_PAUSE_MS = 60_000;
/** A reset time further away than the window is not believed. */
const MAX_RESET_WAIT_MS = 5 * 60_000;

/** The wait a 429 asks for: Retry-After if ever sent, else until X-RateLimit-Reset (Unix seconds), else undefined. */
export function rateLimitWaitMs(headers: Record<string, string | undefined>, now: number): number | undefined {
  const retryAfter = retryAfterMs(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  const raw = headers['x-ratelimit-reset'];
  if (!raw || !/^\d{9,11}$/.test(raw.trim())) return undefined;
  const wait = Number(raw.trim()) * 1000 - now;
  if (wait <= 0) return 1000;
  return Math.min(wait, MAX_RESET_WAIT_MS);
}

/** A Recurly failure as a ProviderError with Recurly's own type and message (never the key). */
export function recurlyError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = res.body && typeof res.body === 'object' ? (res.body as { error?: unknown }) : {};
  const err = body.error && typeof body.error === 'object' ? (body.error as { type?: unknown; message?: unknown }) : {};
  const parts = [err.type, err.message].filter((x): x is string => typeof x === 'string' && x !== '');
  const text = `Recurly ${res.status}${parts.length ? `: ${parts.join(': ').slice(0, 300)}` : ''}`;
  if (res.status === 429) return new ProviderError('rate_limited', text, 429, rateLimitWaitMs(res.headers, now) ?? RATE_LIMIT_PAUSE_MS);
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

export type RecurlyQuery = Record<string, string>;

export interface RecurlyPage<T> {
  records: T[];
  /** The query of `next` (same path) when `has_more`, else null. */
  next: RecurlyQuery | null;
}

/** The query string of a `next` link (a path or a URL); its host and path are ignored. */
export function nextQueryOf(link: unknown): RecurlyQuery | null {
  if (typeof link !== 'string' || link === '') return null;
  let url: URL;
  try {
    url = new URL(link, 'https://v3.recurly.com/');
  } catch {
    return null;
  }
  const q = Object.fromEntries(url.searchParams.entries());
  return Object.keys(q).length > 0 ? q : null;
}

/** One page of `GET {path}` (e.g. `/accounts`). */
export async function listPage<T>(http: HttpClient, path: string, query: RecurlyQuery, now: number): Promise<RecurlyPage<T>> {
  const res = await http.request<Record<string, unknown>>({ path, query, allowStatus: RECURLY_HANDLED_STATUSES });
  if (res.status >= 400) throw recurlyError(res, now);
  const body = res.body && typeof res.body === 'object' ? res.body : {};
  if (!Array.isArray(body.data)) throw new ProviderError('transient', `Recurly answered GET ${path} without "data"`);
  return { records: body.data as T[], next: body.has_more === true ? nextQueryOf(body.next) : null };
}

/** Parse a Recurly datetime (`2021-02-25T18:23:05Z`); NaN when malformed. */
export function parseTime(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** ISO 8601 in UTC, as begin_time expects. */
export function isoTime(t: number): string {
  return new Date(t).toISOString();
}
