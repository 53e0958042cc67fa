// PayPal REST failures as ProviderErrors. PayPal answers API errors as `{name, message, debug_id, details: [{issue,
// description}], links}` (e.g. `RESOURCE_NOT_FOUND`, `WEBHOOK_NUMBER_LIMIT_EXCEEDED`, `RATE_LIMIT_REACHED`) and OAuth
// failures as `{error, error_description}` (https://developer.paypal.com/api/rest/responses/). 401 → auth (the engine
// exchanges the client again once), 429 → rate_limited for Retry-After (else 60 s), 5xx → transient, anything else
// permanent. Messages carry PayPal's own text and debug id only, never a token or the client secret.
import { providerErrorFor, type HttpResponse, type ProviderError } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep PayPal's message in the error. */
export const PAYPAL_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined;
}

/** PayPal's own description of a failed answer: `NAME: message (issue) [debug_id …]`. */
export function paypalErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as { name?: unknown; message?: unknown; debug_id?: unknown; details?: unknown; error?: unknown; error_description?: unknown };
  const name = text(b.name, 80) ?? text(b.error, 80);
  const message = text(b.message, 300) ?? text(b.error_description, 300);
  if (!name && !message) return undefined;
  const first = Array.isArray(b.details) && b.details[0] && typeof b.details[0] === 'object' ? (b.details[0] as { issue?: unknown; description?: unknown }) : undefined;
  const issue = text(first?.issue, 80);
  const debugId = text(b.debug_id, 40);
  return [name && message ? `${name}: ${message}` : (name ?? message), issue ? `(${issue})` : '', debugId ? `[debug_id ${debugId}]` : ''].filter(Boolean).join(' ');
}

/** A failed PayPal answer as a ProviderError with PayPal's own message. */
export function paypalError(res: HttpResponse<unknown>, now: number): ProviderError {
  const detail = paypalErrorMessage(res.body);
  return providerErrorFor(res, `PayPal ${res.status}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: 60_000 });
}
