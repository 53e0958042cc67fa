// Zendesk Support API calls the triggers make, the account host they go to, and Zendesk's error shapes.
//
// Host: every Zendesk account has its own host, https://{subdomain}.zendesk.com. At connect time `accountId` reads
// `GET /api/v2/users/me` on the project's configured apiBaseUrl (the account's URL) and keeps the origin of the
// user's `url` as credential extra `baseUrl`; a credential given through the API may carry `baseUrl` or just
// `subdomain`. Every call of a trigger goes to that per-account origin, never to a shared host.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function invalid(what: string): ProviderError {
  return new ProviderError('permanent', `the Zendesk credential has ${what}; reconnect the account (or give extra.subdomain)`);
}

/** The account's API origin: extra `baseUrl` (an http(s) origin), else `https://{subdomain}.zendesk.com`. */
export function zendeskBase(extra: Record<string, unknown>): string {
  const raw = extra.baseUrl;
  if (typeof raw === 'string' && raw !== '') {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalid('an invalid baseUrl');
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') throw invalid('an invalid baseUrl');
    return url.origin;
  }
  const sub = extra.subdomain;
  if (typeof sub === 'string' && sub !== '') {
    if (!SUBDOMAIN.test(sub)) throw invalid('an invalid subdomain');
    return `https://${sub.toLowerCase()}.zendesk.com`;
  }
  throw invalid('no baseUrl or subdomain');
}

/** `${base}/api/v2${path}` on the credential's account. */
export function v2(extra: Record<string, unknown>, path: string): string {
  return `${zendeskBase(extra)}/api/v2${path}`;
}

/**
 * What Zendesk answers on failure: the Webhooks API `{errors: [{code, title, detail}]}`
 * (https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/), the Support API
 * `{error, description}` or `{error: {title, message}}` (the Support API shapes are not confirmed from a Zendesk page).
 */
interface ZendeskErrorBody {
  error?: unknown;
  description?: unknown;
  errors?: unknown;
}

const clip = (v: unknown, n = 200): string => (typeof v === 'string' ? v.slice(0, n) : '');

function messageOf(body: unknown): string {
  if (!body || typeof body !== 'object') return typeof body === 'string' ? clip(body) : '';
  const b = body as ZendeskErrorBody;
  if (Array.isArray(b.errors)) {
    const parts = b.errors
      .filter((e): e is { code?: unknown; title?: unknown; detail?: unknown } => e !== null && typeof e === 'object')
      .map((e) => [clip(e.title) || clip(e.code), clip(e.detail)].filter(Boolean).join(': '))
      .filter(Boolean);
    if (parts.length > 0) return parts.slice(0, 3).join('; ');
  }
  if (b.error && typeof b.error === 'object') {
    const e = b.error as { title?: unknown; message?: unknown };
    return [clip(e.title), clip(e.message)].filter(Boolean).join(': ');
  }
  return [clip(b.error), clip(b.description)].filter(Boolean).join(': ');
}

/** Zendesk's `Retry-After` (seconds) on a 429; 60 s when absent (Zendesk's rate-limit page was not read: see the doc). */
export function retryAfterMs(headers: Record<string, string>): number {
  const s = Number(headers['retry-after']);
  return Number.isFinite(s) && s >= 0 ? Math.min(Math.max(s * 1000, 1000), 15 * 60_000) : 60_000;
}

/**
 * A Zendesk failure as a ProviderError: 401 → auth, 429 → rate_limited with Zendesk's wait, 5xx → transient,
 * anything else permanent with Zendesk's own message (403 is the usual answer when the connected user is not an
 * admin: only admins may manage webhooks). Only Zendesk's error text is quoted, never a request header.
 */
export function zendeskError(res: HttpResponse<unknown>): ProviderError {
  const detail = messageOf(res.body);
  const text = `Zendesk ${res.status}${detail ? `: ${detail}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) return new ProviderError('rate_limited', text, 429, retryAfterMs(res.headers));
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

/** Statuses our calls read themselves; 401 is left to the engine (refresh, else the credential is marked invalid). */
export const ZENDESK_HANDLED_STATUSES = [400, 403, 404, 409, 422, 429];

export interface ZendeskUser {
  id: number | string;
  url?: string;
  name?: string;
  email?: string;
  role?: string;
}

/** `GET /api/v2/users/me`: the user the token belongs to, with its `url` on the account host. */
export async function currentUser(http: HttpClient, path: string): Promise<ZendeskUser> {
  const res = await http.request<{ user?: ZendeskUser } | null>({ path, allowStatus: ZENDESK_HANDLED_STATUSES });
  if (res.status >= 400) throw zendeskError(res);
  const user = res.body?.user;
  if (!user || (typeof user.id !== 'number' && typeof user.id !== 'string')) {
    throw new ProviderError('permanent', 'Zendesk GET /api/v2/users/me answered without a user id');
  }
  return user;
}
