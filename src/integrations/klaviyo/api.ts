// Klaviyo REST API calls the triggers make, and Klaviyo's JSON:API error shape.
//
// Every call goes to `${apiBaseUrl}/api/...` (https://a.klaviyo.com in production) with the `revision` header
// (integration.ts) and `Authorization: Klaviyo-API-Key <private key>` or `Bearer <OAuth token>` (the engine sends
// the credential's kind). Lists are cursor-paginated JSON:API
// documents: `{data: [...], links: {next}}`; `links.next` is an absolute URL carrying `page[cursor]`. We read only
// that cursor from it and send it again to our own apiBaseUrl with the same query, so no request ever goes to a
// host taken from a response body.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** The API revision the triggers are written against (https://developers.klaviyo.com/en/docs/api_versioning_and_deprecation_policy). */
export const REVISION = '2026-10-15';

export interface KlaviyoResource {
  type: string;
  id: string;
  attributes?: Record<string, unknown>;
  relationships?: Record<string, unknown>;
  links?: Record<string, unknown>;
}

export interface KlaviyoPage {
  data?: KlaviyoResource[];
  links?: { self?: string; next?: string | null; prev?: string | null };
}

interface KlaviyoErrorBody {
  errors?: Array<{ id?: string; status?: number; code?: string; title?: string; detail?: string; source?: { pointer?: string; parameter?: string } }>;
}

/** When a 429 carries no usable Retry-After: the steady window is one minute. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * Klaviyo answers errors as JSON:API `{errors: [{id, status, code, title, detail, source}]}`
 * (https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling). 401 (`not_authenticated`: a revoked or
 * mistyped key) → auth; 429 → rate_limited with Retry-After (seconds; a minute when absent); 5xx → transient;
 * anything else (400 bad filter, 403 missing scope, 404 unknown list) → permanent, with Klaviyo's `detail`.
 * The message never contains the request's headers, so never the key.
 */
export function klaviyoError(res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as KlaviyoErrorBody;
  const errors = Array.isArray(body.errors) ? body.errors : [];
  const details = errors
    .map((e) => {
      const where = e.source?.parameter ?? e.source?.pointer;
      const what = e.detail ?? e.title;
      return [e.code, what, where ? `(${where})` : undefined].filter((s) => typeof s === 'string' && s !== '').join(' ');
    })
    .filter(Boolean);
  const text = `Klaviyo ${res.status}${details.length ? `: ${details.join('; ')}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) {
    const retryAfter = Number(res.headers['retry-after']);
    return new ProviderError('rate_limited', text, 429, Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter * 1000) : DEFAULT_RATE_LIMIT_WAIT_MS);
  }
  if (res.status >= 500 || res.status === 408) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

export const HANDLED = [400, 401, 403, 404, 405, 409, 415, 422, 429, 500, 502, 503, 504];

/** The `page[cursor]` of a `links.next` URL, or undefined when there is no next page. */
export function nextCursor(next: unknown): string | undefined {
  if (typeof next !== 'string' || next === '') return undefined;
  try {
    return new URL(next, 'https://a.klaviyo.com').searchParams.get('page[cursor]') ?? undefined;
  } catch {
    return undefined;
  }
}

/** GET one page of a list endpoint; every non-2xx answer becomes a classified ProviderError with Klaviyo's detail. */
export async function getPage(http: HttpClient, path: string, query: Record<string, string | number | undefined>): Promise<{ data: KlaviyoResource[]; cursor?: string }> {
  const res = await http.request<KlaviyoPage>({ path, query, allowStatus: HANDLED });
  if (res.status >= 400) throw klaviyoError(res);
  const data = Array.isArray(res.body?.data) ? res.body.data.filter((r) => r && typeof r.id === 'string') : [];
  const cursor = nextCursor(res.body?.links?.next);
  return { data, ...(cursor ? { cursor } : {}) };
}

/** A Klaviyo datetime filter value: ISO 8601 in UTC, second precision (`2026-12-07T21:00:00Z`). */
export function filterTime(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Klaviyo ids (lists `Y6nRLr`, metrics `UMTLbD`, profiles `01GDDKASAP8TKDDA2GRZDSVP4H`): letters and digits. */
const ID = /^[A-Za-z0-9]{1,64}$/;

export function validateId(what: string): (value: unknown) => string | null {
  return (value) => (typeof value === 'string' && ID.test(value) ? null : `must be a Klaviyo ${what} id (letters and digits only)`);
}
