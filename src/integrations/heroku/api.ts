// Heroku Platform API errors (https://devcenter.heroku.com/articles/platform-api-reference#errors): a failing answer
// carries `{"id": "not_found", "message": "…", "url": "…"}`. Over the rate limit (a pool of 4,500 request tokens per
// account, refilled continuously) Heroku answers 429 with `id: "rate_limit"`; no reset time is documented, so we pause
// for Retry-After when sent, else a minute. Messages carry Heroku's id and text only, never a token or a secret.
import { ProviderError, providerErrorFor, type HttpResponse } from '../../sdk/index.js';

interface HerokuErrorBody {
  id?: unknown;
  message?: unknown;
}

/** Statuses a Heroku call hands back to us (instead of the HTTP client's generic classification). */
export const HEROKU_ERROR_STATUSES = [400, 401, 402, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504];

export const HEROKU_RATE_LIMIT_PAUSE_MS = 60_000;

/**
 * Classify an error answer of the Platform API: 401 → auth (a new token, then INVALID), 403 `unauthorized`/`forbidden`
 * → permanent (the account may not manage this app's webhooks), 429 → rate_limited, 5xx → transient, else permanent
 * with Heroku's id and message.
 */
export function herokuError(res: HttpResponse<unknown>, now = Date.now()): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as HerokuErrorBody;
  const id = typeof body.id === 'string' ? body.id : undefined;
  const message = typeof body.message === 'string' ? body.message : undefined;
  const detail = [id, message].filter((s) => s !== undefined && s !== '').join(': ');
  return providerErrorFor(res, `Heroku ${res.status}${detail ? ` ${detail}` : ''}`, { now, rateLimitPauseMs: HEROKU_RATE_LIMIT_PAUSE_MS });
}
