// Freshdesk API v2 calls the triggers make: list pages, Freshdesk's error shape, timestamps.
//
// Host: every Freshdesk account has its own domain, `https://{domain}.freshdesk.com/api/v2` (the API works only
// on the Freshdesk domain, not on a custom CNAME: https://developers.freshdesk.com/api/). The domain is the
// integration's account parameter (integration.ts), filled into apiBaseUrl by the engine, so every path here is
// relative (ADR 0027).
import { ProviderError, type HttpClient, type HttpRequest, type HttpResponse } from '../../sdk/index.js';

/** One host name label, as the engine reads an account parameter (after the `.freshdesk.com` suffix is removed). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const UNREADABLE_DOMAIN =
  'the Freshdesk credential\'s extra.domain is not a helpdesk subdomain (URLs are no longer accepted): ' +
  'store extra.domain as the subdomain, e.g. acme for https://acme.freshdesk.com, by recreating the credential';

/**
 * Refuse a stored `extra.domain` the engine cannot read as the `domain` account parameter. Credentials made before
 * the account parameter could hold an origin URL (`https://acme.freshdesk.com`); the engine would only say the
 * credential has no domain, so name the fix instead. Nothing is checked when the domain is absent (a project whose
 * apiBaseUrl names one fixed helpdesk needs none; otherwise the engine refuses the call naming the parameter).
 */
export function checkStoredDomain(extra: Record<string, unknown>): void {
  const raw = extra.domain;
  if (raw === undefined || raw === null || raw === '') return;
  let v = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (v.endsWith('.freshdesk.com')) v = v.slice(0, -'.freshdesk.com'.length);
  if (!LABEL.test(v)) throw new ProviderError('permanent', UNREADABLE_DOMAIN);
}

interface FreshdeskErrorBody {
  description?: string;
  code?: string;
  message?: string;
  errors?: Array<{ field?: string; message?: string; code?: string }>;
}

/**
 * Freshdesk answers errors as `{description, errors: [{field, message, code}]}` (validation) or `{code, message}`
 * (e.g. `invalid_credentials`, `access_denied`). 401 → auth; 429 → rate_limited with Retry-After (seconds; a
 * minute when absent); 5xx → transient; anything else is an answer retrying will not change.
 */
export function freshdeskError(res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as FreshdeskErrorBody;
  const details = (Array.isArray(body.errors) ? body.errors : []).map((e) => [e.field, e.message ?? e.code].filter(Boolean).join(': ')).filter(Boolean);
  const what = body.message ?? body.description;
  const text = `Freshdesk ${res.status}${body.code ? ` ${body.code}` : ''}${what ? `: ${what}` : ''}${details.length ? ` (${details.join('; ')})` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) {
    const retryAfter = Number(res.headers['retry-after']);
    return new ProviderError('rate_limited', text, 429, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 60_000);
  }
  if (res.status >= 500 || res.status === 408) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

/** GET a list (`path` relative to apiBaseUrl); every non-2xx answer becomes a classified ProviderError with Freshdesk's own message. */
export async function getList<T>(http: HttpClient, path: string, query: HttpRequest['query']): Promise<T[]> {
  const res = await http.request<unknown>({ path, query, allowStatus: [400, 401, 403, 404, 429, 500, 502, 503, 504] });
  if (res.status >= 400) throw freshdeskError(res);
  return Array.isArray(res.body) ? (res.body as T[]) : [];
}

/** Parse a Freshdesk timestamp (`2015-08-24T11:59:05Z`, UTC, second precision); NaN when malformed. */
export function parseTime(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** The `updated_since` value for "at or after t": one second earlier, to second precision. */
export function sinceParam(t: number): string {
  // Freshdesk does not say whether updated_since is inclusive; a second earlier reads the same second either way.
  return new Date(Math.floor(t / 1000) * 1000 - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
