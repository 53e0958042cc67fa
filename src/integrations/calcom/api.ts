// Cal.com API v2 failures as ProviderErrors. API v2 answers errors as
// `{"status": "error", "timestamp", "path", "error": {"code", "message", "details"}}` (the NestJS error filter of
// apps/api/v2; not confirmed from a published page, so the message is read defensively). 401 → auth, 429 →
// rate_limited for Retry-After (else 60 s), 5xx → transient, anything else permanent (a 403 for an OAuth token
// lacking a scope too). Messages carry Cal.com's text only, never the API key, an access token or a webhook secret.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Cal.com's message in the error. */
export const CALCOM_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { error?: unknown; message?: unknown };
  const inner = b.error && typeof b.error === 'object' ? (b.error as { message?: unknown; code?: unknown }) : undefined;
  const message = typeof inner?.message === 'string' ? inner.message : typeof b.message === 'string' ? b.message : typeof b.error === 'string' ? b.error : undefined;
  if (!message) return undefined;
  const code = typeof inner?.code === 'string' && inner.code !== '' ? ` (${inner.code.slice(0, 60)})` : '';
  return `${message.slice(0, 300)}${code}`;
}

/** A failed Cal.com answer as a ProviderError with Cal.com's own message. */
export function calcomError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const detail = messageOf(res.body);
  return providerErrorFor(res, `Cal.com ${res.status}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: 60_000 });
}

/** `GET /v2/me`: the user the API key or OAuth token belongs to (scope PROFILE_READ). */
export async function currentUser(http: HttpClient): Promise<{ id: string; email?: string; username?: string }> {
  const res = await http.request<{ data?: { id?: unknown; email?: unknown; username?: unknown } | null } | null>({ path: '/me', allowStatus: CALCOM_ERROR_STATUSES });
  if (res.status >= 400) throw calcomError(res);
  const data = res.body?.data;
  const id = data?.id;
  if ((typeof id !== 'number' && typeof id !== 'string') || String(id) === '') throw new ProviderError('permanent', 'Cal.com answered GET /v2/me without a user id');
  return {
    id: String(id),
    ...(typeof data?.email === 'string' ? { email: data.email } : {}),
    ...(typeof data?.username === 'string' ? { username: data.username } : {}),
  };
}
