// Contentful Content Management API failures as ProviderErrors. The CMA answers errors as
// `{"sys": {"type": "Error", "id": "<ErrorId>"}, "message": "…", "details": {…}, "requestId": "…"}` (e.g. 401
// AccessTokenInvalid, 404 NotFound, 422 ValidationFailed, 429 RateLimitExceeded). A 429 carries
// `X-Contentful-RateLimit-Reset`: the seconds until the next request may be made (used when no Retry-After is
// given; else a 1 s pause: the CMA's limits are per second). 401 → auth, 5xx → transient, anything else permanent
// (a 403 AccessDenied for a token without access to the space too). Messages carry Contentful's text only, never a
// token or a webhook secret.
import { ProviderError, providerErrorFor, retryAfterMs, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Contentful's message in the error. */
export const CONTENTFUL_ERROR_STATUSES = [400, 401, 403, 404, 409, 415, 422, 429, 500, 502, 503, 504];

/** The CMA's own media type, for request bodies. */
export const CMA_MEDIA_TYPE = 'application/vnd.contentful.management.v1+json';

function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { sys?: { id?: unknown } | null; message?: unknown };
  const id = typeof b.sys?.id === 'string' && b.sys.id !== '' ? b.sys.id.slice(0, 60) : undefined;
  const message = typeof b.message === 'string' && b.message !== '' ? b.message.slice(0, 300) : undefined;
  if (!id && !message) return undefined;
  return id && message ? `${message} (${id})` : (message ?? id);
}

/** A failed Contentful answer as a ProviderError with Contentful's own message. */
export function contentfulError(what: string, res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const detail = messageOf(res.body);
  const text = `Contentful ${res.status} ${what}${detail ? `: ${detail}` : ''}`;
  if (res.status === 429 && !res.headers['retry-after']) {
    const reset = retryAfterMs(res.headers['x-contentful-ratelimit-reset'], now);
    return new ProviderError('rate_limited', text, 429, reset !== undefined && reset > 0 ? reset : 1_000);
  }
  return providerErrorFor(res, text, { now, rateLimitPauseMs: 1_000 });
}

/** `GET /users/me`: the user the token belongs to (its `sys.id`). */
export async function currentUser(http: HttpClient): Promise<{ id: string; email?: string }> {
  const res = await http.request<{ sys?: { id?: unknown } | null; email?: unknown } | null>({ path: '/users/me', allowStatus: CONTENTFUL_ERROR_STATUSES });
  if (res.status >= 400) throw contentfulError('reading the current user', res);
  const id = res.body?.sys?.id;
  if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Contentful answered GET /users/me without a user id');
  return { id, ...(typeof res.body?.email === 'string' ? { email: res.body.email } : {}) };
}
