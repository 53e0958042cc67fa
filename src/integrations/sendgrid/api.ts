// SendGrid v3 API failures as ProviderErrors.
//
// SendGrid answers errors as `{"errors": [{"field": …, "message": …}]}` and a rate-limited call as 429 with
// `X-RateLimit-Reset`, the Unix time (seconds) the refresh period ends
// (https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/rate-limits).
import { ProviderError, providerErrorFor, type HttpResponse } from '../../sdk/index.js';

/** The statuses our calls read themselves (401 too: the message "authorization required" is SendGrid's, kept). */
export const SENDGRID_HANDLED_STATUSES = [400, 401, 403, 404, 405, 406, 409, 413, 422, 429, 500, 502, 503, 504];

interface SendGridErrorBody {
  errors?: Array<{ field?: unknown; message?: unknown } | null> | null;
}

/** SendGrid's own words for a failure: `field: message` for up to three errors, trimmed. Never the API key. */
export function sendgridErrorText(res: HttpResponse<unknown>): string {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as SendGridErrorBody;
  const errors = Array.isArray(body.errors) ? body.errors : [];
  const parts: string[] = [];
  for (const e of errors.slice(0, 3)) {
    if (!e || typeof e.message !== 'string' || e.message === '') continue;
    const message = e.message.slice(0, 200);
    parts.push(typeof e.field === 'string' && e.field !== '' ? `${e.field.slice(0, 60)}: ${message}` : message);
  }
  return `SendGrid ${res.status}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

/**
 * A SendGrid failure: 401 → auth, 429 → rate_limited until `X-RateLimit-Reset` (else Retry-After, else a minute),
 * 5xx → transient, anything else permanent with SendGrid's message.
 */
export function sendgridError(res: HttpResponse<unknown>, now: number): ProviderError {
  const text = sendgridErrorText(res);
  if (res.status === 429) {
    const reset = Number(res.headers['x-ratelimit-reset']);
    if (Number.isFinite(reset) && reset > 0) {
      const waitMs = Math.min(Math.max(1000, reset * 1000 - now), 15 * 60_000);
      return new ProviderError('rate_limited', text, 429, waitMs);
    }
  }
  return providerErrorFor(res, text, { now, rateLimitPauseMs: 60_000 });
}
