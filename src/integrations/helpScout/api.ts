// Help Scout Mailbox API 2.0 error shapes and the calls the integration makes.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Status codes our calls read themselves (5xx are classified by ctx.http as transient). */
export const HELPSCOUT_HANDLED_STATUSES = [400, 401, 403, 404, 409, 412, 422, 429];

/** Help Scout's error body (vnd.error): `{message, logref, _embedded: {errors: [{path, message}]}}`. */
interface HelpScoutErrorBody {
  message?: unknown;
  logref?: unknown;
  _embedded?: { errors?: Array<{ path?: unknown; message?: unknown } | null> } | null;
}

function errorText(res: HttpResponse<unknown>): string {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as HelpScoutErrorBody;
  const parts: string[] = [];
  if (typeof body.message === 'string' && body.message !== '') parts.push(body.message.slice(0, 200));
  const errors = Array.isArray(body._embedded?.errors) ? body._embedded.errors : [];
  for (const e of errors.slice(0, 3)) {
    if (!e || typeof e.message !== 'string') continue;
    parts.push(typeof e.path === 'string' && e.path !== '' ? `${e.path.slice(0, 60)}: ${e.message.slice(0, 160)}` : e.message.slice(0, 160));
  }
  return `Help Scout ${res.status}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

/**
 * A Help Scout failure as a ProviderError: 401 → auth, 429 → rate_limited with `X-RateLimit-Retry-After`
 * (seconds until the minute window frees up), 5xx → transient, anything else permanent with Help Scout's
 * message (https://developer.helpscout.com/mailbox-api/overview/errors/, .../overview/rate-limiting/).
 */
export function helpScoutError(res: HttpResponse<unknown>): ProviderError {
  const text = errorText(res);
  if (res.status === 429) {
    const header = res.headers['x-ratelimit-retry-after'] ?? res.headers['retry-after'];
    const seconds = header === undefined || header === '' ? NaN : Number(header);
    const waitMs = Number.isFinite(seconds) && seconds >= 0 ? Math.max(1000, seconds * 1000) : 60_000;
    return new ProviderError('rate_limited', text, 429, Math.min(waitMs, 15 * 60_000));
  }
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

export interface HelpScoutUser {
  id: number;
  email?: string;
}

/** `GET /v2/users/me`: the user the token acts for (https://developer.helpscout.com/mailbox-api/endpoints/users/me/). */
export async function currentUser(http: HttpClient): Promise<HelpScoutUser> {
  const res = await http.request<{ id?: unknown; email?: unknown } | null>({ path: '/v2/users/me', allowStatus: HELPSCOUT_HANDLED_STATUSES });
  if (res.status >= 400) throw helpScoutError(res);
  const id = res.body?.id;
  if (typeof id !== 'number') throw new ProviderError('permanent', 'Help Scout GET /v2/users/me answered without a user id');
  return { id, ...(typeof res.body?.email === 'string' ? { email: res.body.email } : {}) };
}
