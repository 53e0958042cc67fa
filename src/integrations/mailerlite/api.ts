// MailerLite API errors (https://developers.mailerlite.com/docs/#validation-errors): the body is
// `{"message": "…"}`, and a 422 adds `{"errors": {"field": ["…"]}}`. 401 answers `{"message": "Unauthenticated."}`.
// 429 when the 120 requests per minute are used up; we wait for Retry-After, else 60 s. Messages carry
// MailerLite's text only, never the API token or a webhook's secret.
import { providerErrorFor, type HttpResponse, type ProviderError } from '../../sdk/index.js';

interface MailerLiteErrorBody {
  message?: unknown;
  errors?: unknown;
}

function messageOf(body: MailerLiteErrorBody): string | undefined {
  const parts: string[] = [];
  if (typeof body.message === 'string' && body.message !== '') parts.push(body.message);
  if (body.errors && typeof body.errors === 'object' && !Array.isArray(body.errors)) {
    for (const [field, v] of Object.entries(body.errors as Record<string, unknown>)) {
      const text = Array.isArray(v) ? v.filter((m) => typeof m === 'string').join(' ') : typeof v === 'string' ? v : '';
      if (text !== '') parts.push(`${field}: ${text}`);
    }
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Classify an error answer MailerLite gave to a call that allowed it: 401 auth, 429 rate_limited, 5xx transient, else permanent. */
export function mailerliteError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as MailerLiteErrorBody;
  const detail = messageOf(body);
  return providerErrorFor(res, `MailerLite ${res.status}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: 60_000 });
}

/** Statuses a MailerLite call hands back to us (instead of the HTTP client's generic classification). */
export const MAILERLITE_ERROR_STATUSES = [400, 401, 403, 404, 405, 408, 422, 429, 500, 502, 503, 504];
