// Freshservice API v2 calls the triggers make: list pages, Freshservice's error shape, timestamps.
//
// Host: every account has its own domain, `https://{domain}.freshservice.com/api/v2` ("Works only via Freshservice
// domains and not via custom CNAMEs", https://api.freshservice.com/). The domain is the integration's account
// parameter (integration.ts), filled into apiBaseUrl by the engine, so every path here is relative.
// Lists answer `{"tickets": [...]}` / `{"changes": [...]}`, at most 100 per page (`per_page`), with a
// `Link: <…>; rel="next"` header while another page exists.
import { providerErrorFor, type HttpClient, type HttpResponse, type ProviderError } from '../../sdk/index.js';

export const PAGE_SIZE = 100;
/** Without Retry-After, a 429 pauses the credential this long (Freshservice limits per minute). */
const RATE_LIMIT_PAUSE_MS = 60_000;

interface FreshserviceErrorBody {
  description?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: Array<{ field?: unknown; message?: unknown; code?: unknown }>;
}

const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : '');

/**
 * Freshservice answers errors as `{description, errors: [{field, message, code}]}` (validation) or `{code, message}`
 * (e.g. `invalid_credentials`). 401 → auth; 429 → rate_limited for Retry-After; 5xx → transient; else permanent.
 */
export function freshserviceError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as FreshserviceErrorBody;
  const details = (Array.isArray(body.errors) ? body.errors : [])
    .map((e) => [str(e?.field), str(e?.message) || str(e?.code)].filter(Boolean).join(': '))
    .filter(Boolean);
  const what = str(body.message) || str(body.description);
  const code = str(body.code);
  const text = `Freshservice ${res.status}${code ? ` ${code}` : ''}${what ? `: ${what}` : ''}${details.length ? ` (${details.join('; ')})` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

export interface ListPage<T> {
  items: T[];
  /** The answer's Link header names a next page. */
  more: boolean;
}

/** GET one page of a list wrapped as `{[member]: [...]}`; every non-2xx answer becomes a classified ProviderError. */
export async function getPage<T>(
  http: HttpClient,
  path: string,
  member: string,
  query: Record<string, string | number>,
  now: number,
): Promise<ListPage<T>> {
  const res = await http.request<unknown>({ path, query, allowStatus: [400, 401, 403, 404, 429, 500, 502, 503, 504] });
  if (res.status >= 400) throw freshserviceError(res, now);
  const body = res.body && typeof res.body === 'object' ? (res.body as Record<string, unknown>) : {};
  const list = body[member];
  const link = res.headers.link ?? '';
  return { items: Array.isArray(list) ? (list as T[]) : [], more: /rel="?next"?/.test(link) };
}

/** Parse a Freshservice timestamp (`2020-03-29T13:11:09Z`, UTC, second precision); NaN when malformed. */
export function parseTime(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** The `updated_since` value for "at or after t": one second earlier, at second precision. */
export function sinceParam(t: number): string {
  // Freshservice does not say whether updated_since is inclusive; a second earlier reads the same second either way.
  return new Date(Math.floor(t / 1000) * 1000 - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
