// Ashby's RPC-style API (https://api.ashbyhq.com/<resource>.<action>, every call a POST with a JSON body) and its
// failures as ProviderErrors. Ashby answers many failures with HTTP 200 and `{success: false, errors: [...],
// errorInfo: {code, message, requestId}}` (the shared error response of its OpenAPI reference), so both the status
// and `success` are read. 401 → auth, 429 or errorInfo.code `rate_limit_exceeded` → rate_limited (Retry-After, else
// 60 s), 5xx → transient, anything else permanent. Messages carry Ashby's text only, never the API key or a secret.
import { ProviderError, providerErrorFor, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Ashby's message in the error. */
export const ASHBY_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

const RATE_LIMIT_PAUSE_MS = 60_000;

export interface AshbyAnswer<T> {
  success?: unknown;
  results?: T;
  errors?: unknown;
  errorInfo?: { code?: unknown; message?: unknown } | null;
}

function messageOf(body: unknown): { text?: string; code?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as AshbyAnswer<unknown> & { message?: unknown };
  const info = b.errorInfo && typeof b.errorInfo === 'object' ? b.errorInfo : undefined;
  const code = typeof info?.code === 'string' && info.code !== '' ? info.code.slice(0, 60) : undefined;
  const first = Array.isArray(b.errors) && typeof b.errors[0] === 'string' ? b.errors[0] : undefined;
  const text = typeof info?.message === 'string' ? info.message : first ?? (typeof b.message === 'string' ? b.message : undefined);
  return { ...(text ? { text: text.slice(0, 300) } : {}), ...(code ? { code } : {}) };
}

/** A failed Ashby answer (an HTTP failure, or 200 with `success: false`) as a ProviderError with Ashby's message. */
export function ashbyError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const { text, code } = messageOf(res.body);
  const detail = `${text ?? ''}${code ? ` (${code})` : ''}`.trim();
  const message = `Ashby ${res.status}${detail ? `: ${detail}` : ''}`;
  if (res.status < 400) {
    if (code === 'rate_limit_exceeded' || code === 'concurrent_limit_exceeded') {
      return providerErrorFor({ ...res, status: 429 }, message, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
    }
    if (code === 'invalid_api_key' || code === 'unauthorized' || code === 'unauthenticated') return new ProviderError('auth', message, 401);
    return new ProviderError('permanent', message, 422);
  }
  return providerErrorFor(res, message, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}
