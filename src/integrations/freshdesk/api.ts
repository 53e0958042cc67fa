// Freshdesk API v2 calls the triggers make: the helpdesk's own host, Freshdesk's error shape, timestamps.
//
// Host: every Freshdesk account has its own domain, `https://{domain}.freshdesk.com/api/v2` (the API works only
// on the Freshdesk domain, not on a custom CNAME: https://developers.freshdesk.com/api/). The domain is kept in
// the credential's extra as `domain` — the subdomain (`acme`), the host (`acme.freshdesk.com`), or an origin URL
// (`https://acme.freshdesk.com`, which is also how tests point calls at the fake) — like Pipedrive's api_domain.
import { ProviderError, type HttpClient, type HttpRequest, type HttpResponse } from '../../sdk/index.js';

const SUBDOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MISSING = 'the Freshdesk credential has no domain: set extra.domain to the helpdesk subdomain (acme for acme.freshdesk.com)';
const INVALID = 'the Freshdesk credential has an invalid extra.domain: use the helpdesk subdomain (acme for acme.freshdesk.com)';

/** `https://{domain}.freshdesk.com/api/v2` (or `${origin}/api/v2` for an origin URL) from the credential's extra. */
export function apiBase(extra: Record<string, unknown>): string {
  const raw = typeof extra.domain === 'string' ? extra.domain.trim() : '';
  if (raw === '') throw new ProviderError('permanent', MISSING);
  if (SUBDOMAIN.test(raw)) return `https://${raw.toLowerCase()}.freshdesk.com/api/v2`;
  const host = /^([A-Za-z0-9-]+)\.freshdesk\.com$/i.exec(raw);
  if (host && SUBDOMAIN.test(host[1]!)) return `https://${host[1]!.toLowerCase()}.freshdesk.com/api/v2`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProviderError('permanent', INVALID);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
    throw new ProviderError('permanent', INVALID);
  }
  return `${url.origin}/api/v2`;
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

/** GET a list; every non-2xx answer becomes a classified ProviderError with Freshdesk's own message. */
export async function getList<T>(http: HttpClient, url: string, query: HttpRequest['query']): Promise<T[]> {
  const res = await http.request<unknown>({ path: url, query, allowStatus: [400, 401, 403, 404, 429, 500, 502, 503, 504] });
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
