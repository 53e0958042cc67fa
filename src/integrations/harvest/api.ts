// Harvest API v2 (https://help.getharvest.com/api-v2/): what every call needs besides the token, Harvest's error
// shape, and one page of a list.
//
// - Every request names the account with `Harvest-Account-Id` (a token may reach several accounts). The account id
//   is per credential: the account parameter `accountId` (credential.extra.accountId), checked here to be a number
//   and added to each request by the engine (the integration's `credentialHeaders`), like the token.
// - Lists answer `{<collection>: [...], page, total_pages, links: {next, ...}}`; `links.next` is the only way on
//   (page numbers or an opaque cursor). Only its query string is used, on the same path relative to apiBaseUrl:
//   the host in an answer is never called.
// - 429 carries Retry-After in seconds (100 requests per 15 seconds); 401 answers `{error, error_description}`,
//   422 `{message}`.
import { ProviderError, providerErrorFor, type CredentialView, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Harvest's own message. */
export const HARVEST_HANDLED_STATUSES = [400, 401, 403, 404, 422, 429];

/** Harvest's window is 15 seconds; when Retry-After is missing, wait one window. */
const RATE_LIMIT_PAUSE_MS = 15_000;

const ACCOUNT_ID = /^[1-9][0-9]{0,18}$/;

/** The credential's Harvest account id (sent as Harvest-Account-Id), checked. */
export function accountIdOf(credential: CredentialView): string {
  const raw = credential.extra.accountId;
  const value = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!ACCOUNT_ID.test(value)) {
    throw new ProviderError('permanent', 'extra.accountId: the Harvest credential needs the numeric Harvest account id (sent as Harvest-Account-Id); reconnect with it');
  }
  return value;
}

/** A Harvest failure as a ProviderError with Harvest's own message (never the token). */
export function harvestError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = res.body && typeof res.body === 'object' ? (res.body as { message?: unknown; error?: unknown; error_description?: unknown }) : {};
  const parts = [body.error, body.error_description ?? body.message].filter((x): x is string => typeof x === 'string' && x !== '');
  return providerErrorFor(res, `Harvest ${res.status}${parts.length ? `: ${parts.join(': ').slice(0, 300)}` : ''}`, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

export type HarvestQuery = Record<string, string>;

export interface HarvestPage<T> {
  records: T[];
  /** The query of `links.next` (same path), or null on the last page. */
  next: HarvestQuery | null;
}

/** The query string of a `links.next` URL; the URL's host and path are ignored. */
export function nextQueryOf(link: unknown): HarvestQuery | null {
  if (typeof link !== 'string' || link === '') return null;
  let url: URL;
  try {
    url = new URL(link, 'https://api.harvestapp.com/v2/');
  } catch {
    return null;
  }
  const q = Object.fromEntries(url.searchParams.entries());
  return Object.keys(q).length > 0 ? q : null;
}

/** One page of `GET {path}` (e.g. `/time_entries`), whose records are under `collection`. */
export async function listPage<T>(http: HttpClient, path: string, collection: string, query: HarvestQuery, now: number): Promise<HarvestPage<T>> {
  const res = await http.request<Record<string, unknown>>({
    path, query, allowStatus: HARVEST_HANDLED_STATUSES,
  });
  if (res.status >= 400) throw harvestError(res, now);
  const body = res.body && typeof res.body === 'object' ? res.body : {};
  const list = body[collection];
  if (!Array.isArray(list)) throw new ProviderError('transient', `Harvest answered GET ${path} without "${collection}"`);
  const links = body.links && typeof body.links === 'object' ? (body.links as { next?: unknown }) : {};
  return { records: list as T[], next: nextQueryOf(links.next) };
}

/** Parse a Harvest datetime (`2017-06-27T16:01:23Z`); NaN when malformed. */
export function parseTime(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** ISO 8601 at second precision, as Harvest writes datetimes. */
export function isoSeconds(t: number): string {
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
