// Netlify API errors (https://open-api.netlify.com/, https://docs.netlify.com/api/get-started/): an error answers
// `{"code": <status>, "message": "…"}`. Rate limits (500 requests a minute, 3 deploys a minute / 100 a day):
// a 429 may carry Retry-After and `X-RateLimit-Reset` (Unix seconds). Messages carry Netlify's text only, never
// the token or a webhook secret.
import { ProviderError, providerErrorFor, retryAfterMs, type HttpResponse } from '../../sdk/index.js';

/** Statuses a Netlify call hands back to us (instead of the HTTP client's generic classification). */
export const NETLIFY_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

const RATE_LIMIT_PAUSE_MS = 60_000;

/**
 * Classify an error answer: 401 → auth; 429 → rate_limited for Retry-After, else until `X-RateLimit-Reset`,
 * else 60 s; 5xx → transient; anything else permanent, with Netlify's message.
 */
export function netlifyError(res: HttpResponse<unknown>, now = Date.now()): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { message?: unknown; error?: unknown };
  const message = typeof body.message === 'string' && body.message !== '' ? body.message : typeof body.error === 'string' ? body.error : '';
  const text = `Netlify ${res.status}${message ? ` ${message}` : ''}`;
  if (res.status === 429 && retryAfterMs(res.headers['retry-after'], now) === undefined) {
    const reset = Number(res.headers['x-ratelimit-reset']);
    if (Number.isFinite(reset) && reset > 0) return new ProviderError('rate_limited', text, 429, Math.max(0, reset * 1000 - now));
  }
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}
