// Chargebee API v2 failures as ProviderErrors. Errors answer `{message, type, api_error_code, param?}` with the HTTP
// status (https://apidocs.chargebee.com/docs/api/error-handling): 401 → auth, 429 (requests per minute or concurrent
// requests over the plan's limit, reset in about a minute) → rate_limited for Retry-After, else 60 s; 5xx → transient;
// anything else permanent. Messages carry Chargebee's text and code only, never the API key or a webhook password.
import { providerErrorFor, type HttpResponse, type ProviderError } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Chargebee's message in the error. */
export const CHARGEBEE_ERROR_STATUSES = [400, 401, 402, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504];

function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; api_error_code?: unknown; error_msg?: unknown };
  const message = typeof b.message === 'string' ? b.message : typeof b.error_msg === 'string' ? b.error_msg : undefined;
  if (!message) return undefined;
  const code = typeof b.api_error_code === 'string' && b.api_error_code !== '' ? ` (${b.api_error_code.slice(0, 60)})` : '';
  return `${message.slice(0, 300)}${code}`;
}

/** A failed Chargebee answer as a ProviderError with Chargebee's own message. */
export function chargebeeError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const detail = messageOf(res.body);
  return providerErrorFor(res, `Chargebee ${res.status}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: 60_000 });
}
