// Gong API v2 calls the triggers make, and Gong's error shape.
//
// Every call goes to `${apiBaseUrl}/v2/...` with `Authorization: Basic <Base64(accessKey:accessKeySecret)>`
// (https://help.gong.io/apidocs/introduction-2). Lists are paged by an opaque `records.cursor`, returned only when
// more records remain (100 a page); GET endpoints take it as the `cursor` query parameter, POST endpoints as a
// top-level `cursor` body field. Errors answer `{requestId, errors: [string]}`; a filter that matches nothing is a
// 404 with `errors: ["No calls found corresponding to the provided filters"]`, which we read as an empty page.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** When a 429 carries no usable Retry-After: Gong's limit is per second, so a short pause is enough. */
export const RATE_LIMIT_PAUSE_MS = 10_000;

export const GONG_ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 415, 422, 429, 500, 502, 503, 504];

export interface GongRecords {
  totalRecords?: number;
  currentPageSize?: number;
  currentPageNumber?: number;
  cursor?: string;
}

interface GongErrorBody {
  requestId?: string;
  errors?: unknown;
}

function errorsOf(res: HttpResponse<unknown>): string[] {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as GongErrorBody;
  return Array.isArray(body.errors) ? body.errors.filter((e): e is string => typeof e === 'string' && e !== '') : [];
}

/**
 * 401 (a revoked or mistyped key) → auth; 429 → rate_limited for Retry-After; 5xx → transient; anything else
 * (400 bad filter, 403 missing scope, 404 wrong base URL) → permanent, with Gong's own `errors` text. The message
 * never holds the request's headers, so never the key.
 */
export function gongError(res: HttpResponse<unknown>, now: number): ProviderError {
  const errors = errorsOf(res);
  const requestId = (res.body as GongErrorBody | null)?.requestId;
  const text = `Gong ${res.status}${errors.length ? `: ${errors.join('; ')}` : ''}${typeof requestId === 'string' ? ` (requestId ${requestId})` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** Gong's answer to a list filter that matches nothing: a 404 whose error says "No … found". */
export function isEmptyResult(res: HttpResponse<unknown>): boolean {
  return res.status === 404 && errorsOf(res).some((e) => /^no [a-z ]+ found/i.test(e));
}

export interface GongPage<T> {
  records: T[];
  next?: string;
}

/**
 * One page of a Gong list. `field` is the array's name in the answer (`calls`, `users`). GET sends `query`
 * (plus `cursor`); POST sends `body` (plus `cursor`).
 */
export async function listPage<T>(
  http: HttpClient,
  req: { method: 'GET' | 'POST'; path: string; field: string; query?: Record<string, string | undefined>; body?: Record<string, unknown>; cursor?: string; now: number },
): Promise<GongPage<T>> {
  const res = await http.request<Record<string, unknown>>(
    req.method === 'GET'
      ? { path: req.path, query: { ...req.query, cursor: req.cursor }, allowStatus: GONG_ERROR_STATUSES }
      : { method: 'POST', path: req.path, json: { ...req.body, ...(req.cursor ? { cursor: req.cursor } : {}) }, allowStatus: GONG_ERROR_STATUSES },
  );
  if (isEmptyResult(res)) return { records: [] };
  if (res.status >= 400) throw gongError(res, req.now);
  const list = res.body?.[req.field];
  const records = Array.isArray(list) ? (list as T[]) : [];
  const cursor = (res.body?.records as GongRecords | undefined)?.cursor;
  return { records, ...(typeof cursor === 'string' && cursor !== '' ? { next: cursor } : {}) };
}

/** Gong's ISO-8601 filter value, in UTC. */
export function isoTime(t: number): string {
  return new Date(t).toISOString();
}

/** Gong ids (calls, users, workspaces): numeric, up to 20 digits. */
const GONG_ID = /^[0-9]{1,20}$/;

export function gongIdError(what: string, value: unknown): string | null {
  return typeof value === 'string' && GONG_ID.test(value) ? null : `must be a Gong ${what} id (digits only, up to 20)`;
}

/** An optional single id. */
export function validateOptionalId(what: string): (value: unknown) => string | null {
  return (value) => (value === undefined || value === null || value === '' ? null : gongIdError(what, value));
}

/** A comma-separated list of ids, given as text: `"234599484848423, 563515258458745"`. */
export function parseIdList(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function validateIdList(what: string): (value: unknown) => string | null {
  return (value) => {
    const ids = parseIdList(value);
    if (ids.length === 0) return `must list at least one Gong ${what} id (digits, comma-separated)`;
    if (ids.length > 100) return `must list at most 100 Gong ${what} ids`;
    const bad = ids.find((id) => gongIdError(what, id) !== null);
    return bad === undefined ? null : `must be Gong ${what} ids separated by commas (digits only, up to 20 each); "${bad.slice(0, 40)}" is not one`;
  };
}
