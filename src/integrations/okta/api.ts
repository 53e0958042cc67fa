// Okta Management API failures as ProviderErrors. Okta answers errors as
// `{"errorCode": "E0000011", "errorSummary": "Invalid token provided", "errorLink", "errorId", "errorCauses": [{"errorSummary"}]}`
// (https://developer.okta.com/docs/reference/error-codes/). 401 → auth (a revoked or expired API token), 429 →
// rate_limited until `X-Rate-Limit-Reset` (UTC epoch seconds, https://developer.okta.com/docs/reference/rl-best-practices/),
// else Retry-After, else 60 s; 5xx → transient; anything else permanent (403 E0000006: the token's admin lacks the
// permission to manage event hooks). Messages carry Okta's text only, never the API token or the hook's secret.
import { providerErrorFor, ProviderError, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Okta's message in the error. */
export const OKTA_ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 429, 500, 502, 503, 504];

const RATE_LIMIT_PAUSE_MS = 60_000;
/** Never wait longer than this for a reset time (a wrong clock or header must not park a credential for days). */
const MAX_RESET_WAIT_MS = 15 * 60_000;

function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { errorCode?: unknown; errorSummary?: unknown; errorCauses?: unknown };
  if (typeof b.errorSummary !== 'string' || b.errorSummary === '') return undefined;
  const causes = Array.isArray(b.errorCauses)
    ? b.errorCauses
        .map((c) => (c && typeof c === 'object' ? (c as { errorSummary?: unknown }).errorSummary : undefined))
        .filter((s): s is string => typeof s === 'string' && s !== '')
    : [];
  const code = typeof b.errorCode === 'string' && b.errorCode !== '' ? ` (${b.errorCode.slice(0, 20)})` : '';
  const detail = causes.length > 0 ? `: ${causes.join('; ').slice(0, 300)}` : '';
  return `${b.errorSummary.slice(0, 300)}${detail}${code}`;
}

/** The wait until `X-Rate-Limit-Reset` (epoch seconds), or undefined when absent, unreadable or past. */
export function rateLimitResetMs(value: string | undefined, now: number): number | undefined {
  if (!value || !/^\d{9,11}$/.test(value.trim())) return undefined;
  const wait = Number(value.trim()) * 1000 - now;
  return wait > 0 ? Math.min(wait, MAX_RESET_WAIT_MS) : undefined;
}

/** A failed Okta answer as a ProviderError with Okta's own message. */
export function oktaError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const detail = messageOf(res.body);
  const text = `Okta ${res.status}${detail ? `: ${detail}` : ''}`;
  if (res.status === 429) {
    const reset = rateLimitResetMs(res.headers['x-rate-limit-reset'], now);
    if (reset !== undefined) return new ProviderError('rate_limited', text, 429, reset);
  }
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}
