// Paddle Billing API failures as ProviderErrors. Paddle answers every error as
// `{"error": {"type", "code", "detail", "documentation_url", "errors"?}, "meta": {"request_id"}}`
// (https://developer.paddle.com/api-reference/about/errors). Paddle answers a wrong, revoked or other-environment
// API key with 403 `invalid_token` and a garbled header with 403 `authentication_malformed`: those (and 401) → auth;
// 403 `forbidden` (a valid key without the `notification_setting` permissions) stays permanent, with Paddle's text.
// 429 `too_many_requests` → rate_limited for the `Retry-After` seconds (else 60 s), 5xx → transient, anything else
// permanent. Messages carry Paddle's text only,
// never the API key or an endpoint secret key.
import { ProviderError, providerErrorFor, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Paddle's message in the error. */
export const PADDLE_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const e = (body as { error?: unknown }).error;
  if (!e || typeof e !== 'object') return undefined;
  const { code, detail, errors } = e as { code?: unknown; detail?: unknown; errors?: unknown };
  let text = typeof detail === 'string' && detail !== '' ? detail.slice(0, 300) : '';
  if (Array.isArray(errors)) {
    const fields = errors
      .map((f) => (f && typeof f === 'object' ? (f as { field?: unknown; message?: unknown }) : {}))
      .filter((f) => typeof f.field === 'string' && typeof f.message === 'string')
      .slice(0, 3)
      .map((f) => `${String(f.field)}: ${String(f.message)}`.slice(0, 120));
    if (fields.length) text += `${text ? ' — ' : ''}${fields.join('; ')}`;
  }
  if (typeof code === 'string' && code !== '') text += ` (${code.slice(0, 60)})`;
  return text.trim() || undefined;
}

/** Error codes by which Paddle says the API key itself is not accepted (answered with 403). */
const KEY_REFUSED = new Set(['invalid_token', 'authentication_malformed', 'authentication_missing']);

function codeOf(body: unknown): string | undefined {
  const e = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** A failed Paddle answer as a ProviderError with Paddle's own message. */
export function paddleError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const detail = messageOf(res.body);
  const text = `Paddle ${res.status}${detail ? `: ${detail}` : ''}`;
  if (res.status === 403 && KEY_REFUSED.has(codeOf(res.body) ?? '')) return new ProviderError('auth', text, 403);
  return providerErrorFor(res, text, { now, rateLimitPauseMs: 60_000 });
}
