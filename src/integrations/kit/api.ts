// Kit API v4 failures as ProviderErrors, and the account behind a key. V4 answers errors with a JSON body whose
// text is in `errors` (a list of strings) — read defensively, with `error`/`message` as fallbacks (the V3 shape),
// and a short plain-text body as it is (Kit's 429 answers the text `Retry later`, not JSON).
// 401 → auth (an expired OAuth token is refreshed by the engine; a key is not), 429 → rate_limited, 5xx → transient,
// anything else permanent. Rate limits are per credential in a 60 s window: 120 requests for an API key, 600 for an
// OAuth access token (https://developers.kit.com/api-reference/rate-limits). Kit's 429 carries no Retry-After and a
// wait of up to 60 s resets either window, so both kinds pause 60 s (a Retry-After, if Kit ever sends one, wins).
// Messages carry Kit's text only, never the API key, an access token or a webhook secret.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Kit's message in the error. */
export const KIT_ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503, 504];

/** Kit's pause after a 429, for API keys and OAuth tokens alike (both limits count a 60 s window). */
export const KIT_RATE_LIMIT_PAUSE_MS = 60_000;

function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    return text !== '' && text.length <= 200 && !/[\r\n<]/.test(text) ? text : undefined;
  }
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
  return providerErrorFor(res, `Kit ${res.status}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: KIT_RATE_LIMIT_PAUSE_MS });
}

/** `GET /v4/account`: the account the key or OAuth token belongs to. */
export async function currentAccount(http: HttpClient): Promise<{ id: string; name?: string }> {
  const res = await http.request<{ account?: { id?: unknown; name?: unknown } | null } | null>({ path: '/account', allowStatus: KIT_ERROR_STATUSES });
  if (res.status >= 400) throw kitError(res);
  const account = res.body?.account;
  const id = account?.id;
  if ((typeof id !== 'number' && typeof id !== 'string') || String(id) === '') throw new ProviderError('permanent', 'Kit answered GET /v4/account without an account id');
  return { id: String(id), ...(typeof account?.name === 'string' ? { name: account.name } : {}) };
}
