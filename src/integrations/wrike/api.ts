// Wrike API v4 errors. Wrike answers failures as `{"errorDescription": "…", "error": "<code>"}` with codes such as
// `invalid_request`, `invalid_parameter`, `parameter_required`, `not_found`, `not_allowed`, `access_forbidden`
// (https://developers.wrike.com/errors/ — the body shape and code list are "not confirmed" in docs/integrations/wrike.md).
// Only statuses a caller allowed reach here; the HTTP client already classifies 401 → auth, 429 → rate_limited,
// 5xx → transient. Wrike's own description is kept (never the request, never the token).
import { providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

const EXPLAINED: Record<number, string> = {
  400: 'the request was refused',
  403: 'this user may not do that (check the folder is shared with them and the app has the wsReadWrite scope)',
  404: 'the folder or object was not found, or this user cannot see it',
};

/** A ProviderError with Wrike's own description where it gave one. */
export function wrikeError(res: HttpResponse<unknown>, what: string, now: number): ReturnType<typeof providerErrorFor> {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  const own = str(body.errorDescription) ?? str(body.error);
  const explained = EXPLAINED[res.status];
  const detail = explained && own ? `${explained} (Wrike: ${own})` : (explained ?? own ?? null);
  const text = `Wrike ${res.status} ${what}${detail ? `: ${detail.slice(0, 300)}` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: 10_000 });
}

/** A Wrike id (an opaque string such as IEAAAAAQI4AAAAAA): letters and digits only, so it is safe in a path. */
export const WRIKE_ID = /^[A-Za-z0-9]{1,64}$/;
export const wrikeId = (v: unknown): string | null => (typeof v === 'string' && WRIKE_ID.test(v) ? v : null);

/** The first element of Wrike's `{kind, data: [...]}` envelope. */
export function firstOf(body: unknown): Record<string, unknown> | null {
  const data = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
  const first = Array.isArray(data) ? data[0] : undefined;
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : null;
}

/** GET one object (`/tasks/{id}`, `/comments/{id}`): the object, or null when Wrike no longer has it (404). */
export async function readOne(http: HttpClient, path: string, what: string, now: number): Promise<Record<string, unknown> | null> {
  const res = await http.request<unknown>({ path, allowStatus: [400, 403, 404] });
  if (res.status === 404) return null;
  if (res.status >= 400) throw wrikeError(res, what, now);
  return firstOf(res.body);
}
