// Lemon Squeezy API (https://api.lemonsqueezy.com/v1, JSON:API) failures as ProviderErrors. Errors are JSON:API
// error objects, `{"errors": [{"detail", "status", "title"}]}` (https://docs.lemonsqueezy.com/api, "Errors"); the
// API allows 300 calls a minute and answers 429 beyond (same page), without a documented Retry-After, so 60 s is
// waited when none is sent. 401 → auth, 5xx → transient, other 4xx → permanent. Messages carry Lemon Squeezy's text
// only, never the API key or a webhook secret.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** JSON:API's media type, which Lemon Squeezy asks for in `Accept` and `Content-Type`. */
export const JSON_API = 'application/vnd.api+json';

/** Statuses our calls read themselves, to keep Lemon Squeezy's message in the error. */
export const LEMON_SQUEEZY_ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504];

function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) {
    const m = (body as { message?: unknown }).message;
    return typeof m === 'string' && m !== '' ? m.slice(0, 300) : undefined;
  }
  const parts = errors
    .filter((e): e is { detail?: unknown; title?: unknown } => !!e && typeof e === 'object')
    .map((e) => (typeof e.detail === 'string' && e.detail !== '' ? e.detail : typeof e.title === 'string' ? e.title : ''))
    .filter((s) => s !== '');
  return parts.length ? parts.join('; ').slice(0, 300) : undefined;
}

/** A failed Lemon Squeezy answer as a ProviderError with Lemon Squeezy's own message. */
export function lemonSqueezyError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const detail = messageOf(res.body);
  return providerErrorFor(res, `Lemon Squeezy ${res.status}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: 60_000 });
}

/** `GET /v1/users/me`: the user the API key belongs to. */
export async function currentUser(http: HttpClient): Promise<{ id: string; email?: string }> {
  const res = await http.request<{ data?: { id?: unknown; attributes?: { email?: unknown } | null } | null } | null>({
    path: '/users/me',
    allowStatus: LEMON_SQUEEZY_ERROR_STATUSES,
  });
  if (res.status >= 400) throw lemonSqueezyError(res);
  const data = res.body?.data;
  const id = data?.id;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') {
    throw new ProviderError('permanent', 'Lemon Squeezy answered GET /v1/users/me without a user id');
  }
  const email = data?.attributes?.email;
  return { id: String(id), ...(typeof email === 'string' ? { email } : {}) };
}
