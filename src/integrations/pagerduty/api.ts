// PagerDuty REST API v2 failures as ProviderErrors.
//
// PagerDuty answers errors as `{"error": {"message", "code", "errors": [...]}}` (the shape used by PagerDuty's
// API reference and by client code in use; see docs/integrations/pagerduty.md for what is confirmed). 429 carries
// `ratelimit-reset`, the seconds to wait (https://support.pagerduty.com/docs/rest-api-rate-limits).
import { ProviderError, type HttpResponse } from '../../sdk/index.js';

/**
 * The statuses our calls read themselves. 401 is left to the engine's HTTP client (it refreshes an OAuth token
 * once, then reports `auth`).
 */
export const PAGERDUTY_HANDLED_STATUSES = [400, 402, 403, 404, 409, 422, 429, 500, 502, 503, 504];

interface PagerDutyErrorBody {
  error?: { message?: unknown; code?: unknown; errors?: unknown } | null;
}

/** The provider's own words for a failure: message, code and details, trimmed. Never the request's credentials. */
export function pagerdutyErrorText(res: HttpResponse<unknown>): string {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as PagerDutyErrorBody;
  const error = body.error && typeof body.error === 'object' ? body.error : {};
  const message = typeof error.message === 'string' ? error.message.slice(0, 200) : '';
  const code = typeof error.code === 'number' || typeof error.code === 'string' ? String(error.code).slice(0, 20) : '';
  const details = Array.isArray(error.errors)
    ? error.errors.filter((e): e is string => typeof e === 'string').map((e) => e.slice(0, 200)).slice(0, 5)
    : [];
  return `PagerDuty ${res.status}${message ? `: ${message}` : ''}${code ? ` (code ${code})` : ''}${details.length ? ` — ${details.join('; ')}` : ''}`;
}

/** A PagerDuty failure as a ProviderError: 401 auth, 429 rate_limited (ratelimit-reset), 5xx transient, else permanent. */
export function pagerdutyError(res: HttpResponse<unknown>): ProviderError {
  const text = pagerdutyErrorText(res);
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) {
    const reset = Number(res.headers['ratelimit-reset']);
    const waitMs = Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000) : 60_000;
    return new ProviderError('rate_limited', text, 429, Math.min(waitMs, 15 * 60_000));
  }
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}
