// Kit API v4 failures as ProviderErrors, and the account behind a key. V4 answers errors with a JSON body whose
// text is in `errors` (a list of strings) — read defensively, with `error`/`message` as fallbacks (the V3 shape).
// 401 → auth, 429 → rate_limited for Retry-After (else 60 s: Kit counts 120 requests per rolling 60 s per API key),
// 5xx → transient, anything else permanent. Messages carry Kit's text only, never the API key or a webhook secret.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Kit's message in the error. */
export const KIT_ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503, 504];

function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { errors?: unknown; error?: unknown; message?: unknown };
  if (Array.isArray(b.errors)) {
    const texts = b.errors.filter((e): e is string => typeof e === 'string' && e !== '');
    if (texts.length > 0) return texts.join('; ').slice(0, 300);
  }
  const parts = [b.error, b.message].filter((e): e is string => typeof e === 'string' && e !== '');
  return parts.length > 0 ? parts.join(': ').slice(0, 300) : undefined;
}

/** A failed Kit answer as a ProviderError with Kit's own message. */
export function kitError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const detail = messageOf(res.body);
  return providerErrorFor(res, `Kit ${res.status}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: 60_000 });
}

/** `GET /v4/account`: the account the key (or token) belongs to. */
export async function currentAccount(http: HttpClient): Promise<{ id: string; name?: string }> {
  const res = await http.request<{ account?: { id?: unknown; name?: unknown } | null } | null>({ path: '/account', allowStatus: KIT_ERROR_STATUSES });
  if (res.status >= 400) throw kitError(res);
  const account = res.body?.account;
  const id = account?.id;
  if ((typeof id !== 'number' && typeof id !== 'string') || String(id) === '') throw new ProviderError('permanent', 'Kit answered GET /v4/account without an account id');
  return { id: String(id), ...(typeof account?.name === 'string' ? { name: account.name } : {}) };
}
