// Lever API errors. Lever answers failures with `{"code": "ResourceNotFound", "message": "…"}`
// (https://hire.lever.co/developer/documentation#errors); 429 when a client makes too many requests in a short time.
// Messages carry Lever's own code and text only, never a token or a webhook's signatureToken.
import { providerErrorFor, type HttpResponse, type ProviderError } from '../../sdk/index.js';

/** When Lever sends no Retry-After with a 429: wait a few seconds (its steady rate is per second). */
const RATE_LIMIT_PAUSE_MS = 5_000;

/** Classify an error answer Lever gave to a call that allowed it: 401 auth, 429 rate_limited, 5xx transient, else permanent. */
export function leverError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { code?: unknown; message?: unknown };
  const parts = [body.code, body.message].filter((p): p is string => typeof p === 'string' && p !== '');
  return providerErrorFor(res, `Lever ${res.status}${parts.length > 0 ? `: ${parts.join(': ')}` : ''}`, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** Statuses a Lever call hands back to us (instead of the HTTP client's generic classification). */
export const LEVER_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];
