// Greenhouse Harvest API v3 (https://harvestdocs.greenhouse.io): one page of a list, the `Link` header's next page,
// and Greenhouse's failures as ProviderErrors.
//
// - Lists answer a JSON array of records (the v1/v2 shape; v3's reference pages were not readable to confirm it, so an
//   object holding one array is accepted too) and a `Link` header (RFC 5988) whose `rel="next"` URL carries an opaque
//   `cursor`. Only that URL's query is used, on the same path relative to apiBaseUrl: a host named in an answer is never
//   called. A request with `cursor` must carry no other parameter, so filters and `per_page` go on the first request
//   only (harvestdocs "Pagination").
// - Filters are `created_at=gte|<ISO 8601>` and `updated_at=gte|…` (harvestdocs "List endpoints").
// - 401 is left to the engine (it exchanges the client for a new token and retries once); 429 carries Retry-After in
//   seconds; other 4xx keep Greenhouse's message and are permanent (403: the credential lacks a scope).
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our list calls read themselves, to keep Greenhouse's message (401 stays with the engine). */
export const GREENHOUSE_HANDLED_STATUSES = [400, 403, 404, 422, 429];

/** Greenhouse's rate-limit window is 10 seconds; when Retry-After is missing, wait one window. */
const RATE_LIMIT_PAUSE_MS = 10_000;

export type GreenhouseQuery = Record<string, string>;

/** A Greenhouse failure as a ProviderError with Greenhouse's own message (never the token). */
export function greenhouseError(res: HttpResponse<unknown>, what: string, now: number): ProviderError {
  const body = res.body && typeof res.body === 'object' && !Array.isArray(res.body) ? (res.body as Record<string, unknown>) : {};
  const parts: string[] = [];
  for (const k of ['error', 'message', 'error_description']) if (typeof body[k] === 'string' && body[k] !== '') parts.push(body[k]);
  if (Array.isArray(body.errors)) {
    for (const e of body.errors.slice(0, 3)) {
      if (typeof e === 'string') parts.push(e);
      else if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') parts.push((e as { message: string }).message);
    }
  }
  const text = `Greenhouse ${res.status} on ${what}${parts.length ? `: ${parts.join('; ').slice(0, 300)}` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** The query of the `rel="next"` URL of a Link header; null when there is none. Host and path are ignored. */
export function nextQueryOf(link: string | undefined): GreenhouseQuery | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m) continue;
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2] ?? '');
    if (!rels || !rels[1]!.split(/\s+/).includes('next')) continue;
    let url: URL;
    try {
      url = new URL(m[1]!, 'https://harvest.greenhouse.io/v3/');
    } catch {
      return null;
    }
    const q = Object.fromEntries(url.searchParams.entries());
    return Object.keys(q).length > 0 ? q : null;
  }
  return null;
}

export interface GreenhousePage<T> {
  records: T[];
  next: GreenhouseQuery | null;
}

/** One page of `GET {path}` (e.g. `/applications`). */
export async function listPage<T>(http: HttpClient, path: string, query: GreenhouseQuery, now: number): Promise<GreenhousePage<T>> {
  const res = await http.request<unknown>({ path, query, allowStatus: GREENHOUSE_HANDLED_STATUSES });
  if (res.status >= 400) throw greenhouseError(res, `GET ${path}`, now);
  let list: unknown = res.body;
  if (list && typeof list === 'object' && !Array.isArray(list)) {
    const arrays = Object.values(list).filter(Array.isArray);
    list = arrays.length === 1 ? arrays[0] : undefined;
  }
  if (!Array.isArray(list)) throw new ProviderError('transient', `Greenhouse answered GET ${path} without a list`);
  return { records: list as T[], next: nextQueryOf(res.headers.link) };
}

/** Parse a Greenhouse date-time (`2024-12-15T03:55:00.000Z`); NaN when malformed. */
export function parseTime(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}
