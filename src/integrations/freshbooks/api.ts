// FreshBooks API shapes and the calls the integration makes. Answers come in a `{"response": {"result": …}}`
// envelope (accounting and events APIs alike); errors carry `response.errors[].message` (accounting) or a
// top-level `message` / `error_description` (events, OAuth). 401 → auth, 429 → rate_limited (Retry-After),
// 5xx → transient, anything else permanent with FreshBooks' message.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep FreshBooks' own message in the error. */
export const FRESHBOOKS_HANDLED_STATUSES = [400, 401, 403, 404, 409, 422, 429];

interface ErrorBody {
  message?: unknown;
  error_description?: unknown;
  error?: unknown;
  response?: { errors?: Array<{ message?: unknown; field?: unknown } | null> } | null;
}

function errorText(res: HttpResponse<unknown>): string {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as ErrorBody;
  const parts: string[] = [];
  for (const e of Array.isArray(body.response?.errors) ? body.response.errors.slice(0, 3) : []) {
    if (e && typeof e.message === 'string') parts.push(e.message.slice(0, 200));
  }
  for (const v of [body.message, body.error_description, body.error]) {
    if (parts.length === 0 && typeof v === 'string' && v !== '') parts.push(v.slice(0, 200));
  }
  return `FreshBooks ${res.status}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

export function freshBooksError(res: HttpResponse<unknown>, now: number): ProviderError {
  return providerErrorFor(res, errorText(res), { now, rateLimitPauseMs: 60_000 });
}

/** A call whose 4xx answers become ProviderErrors with FreshBooks' message; `allow` statuses are returned. */
export async function call<T>(
  http: HttpClient,
  now: number,
  req: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; json?: unknown },
  allow: number[] = [],
): Promise<HttpResponse<T>> {
  const res = await http.request<T>({ ...req, allowStatus: [...new Set([...FRESHBOOKS_HANDLED_STATUSES, ...allow])] });
  if (res.status >= 400 && !allow.includes(res.status)) throw freshBooksError(res, now);
  return res;
}

/** `response.result` of an answer, or null. */
export function resultOf(body: unknown): Record<string, unknown> | null {
  const result = (body as { response?: { result?: unknown } | null } | null)?.response?.result;
  return result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : null;
}

export interface Membership {
  accountId: string;
  businessId: string | null;
  name: string | null;
}

/** `GET /auth/api/v1/users/me`: the identity and the businesses it belongs to, each with its `account_id`. */
export async function identity(http: HttpClient, now: number): Promise<{ identityId: string | null; memberships: Membership[] }> {
  const res = await call<{ response?: { id?: unknown; business_memberships?: unknown } | null }>(http, now, { path: '/auth/api/v1/users/me' });
  const me = res.body?.response;
  const memberships: Membership[] = [];
  for (const m of Array.isArray(me?.business_memberships) ? me.business_memberships : []) {
    const business = (m as { business?: { id?: unknown; account_id?: unknown; name?: unknown } | null } | null)?.business;
    if (typeof business?.account_id !== 'string' || business.account_id === '') continue;
    memberships.push({
      accountId: business.account_id,
      businessId: typeof business.id === 'number' || typeof business.id === 'string' ? String(business.id) : null,
      name: typeof business.name === 'string' ? business.name : null,
    });
  }
  return { identityId: typeof me?.id === 'number' || typeof me?.id === 'string' ? String(me.id) : null, memberships };
}

/** An account id as FreshBooks writes them (short alphanumeric, e.g. `6BApk`); it goes into URL paths. */
export const ACCOUNT_ID = /^[A-Za-z0-9]{1,32}$/;
