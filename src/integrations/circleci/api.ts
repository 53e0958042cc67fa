// CircleCI API v2 errors (https://circleci.com/docs/api/v2/): an error answers `{"message": "…"}` (e.g. 404
// `{"message": "Project not found"}`, 401 `{"message": "You must log in first."}`). A 429 is classified as
// rate_limited, waiting for Retry-After when CircleCI sends one, else 60 s. Messages carry CircleCI's text
// only, never the token or a signing secret.
import { providerErrorFor, type HttpResponse, type ProviderError } from '../../sdk/index.js';

/** Statuses a CircleCI call hands back to us (instead of the HTTP client's generic classification). */
export const CIRCLECI_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

const RATE_LIMIT_PAUSE_MS = 60_000;

/** 401 → auth; 429 → rate_limited (Retry-After, else 60 s); 5xx → transient; any other 4xx → permanent. */
export function circleciError(res: HttpResponse<unknown>, now = Date.now()): ProviderError {
  const body = res.body && typeof res.body === 'object' ? (res.body as { message?: unknown }) : {};
  const message = typeof body.message === 'string' && body.message !== '' ? body.message.slice(0, 300) : undefined;
  return providerErrorFor(res, `CircleCI ${res.status}${message ? `: ${message}` : ''}`, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}
