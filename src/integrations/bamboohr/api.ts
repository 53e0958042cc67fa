// BambooHR API errors. BambooHR explains a failed call in the `X-BambooHR-Error-Message` response header (read by
// public clients; not confirmed in BambooHR's docs here); a JSON body with `message` or `error` is read too.
// Messages carry BambooHR's text only, never the API key or a webhook's private key.
import { providerErrorFor, type HttpResponse, type ProviderError } from '../../sdk/index.js';

/** Statuses a BambooHR call hands back to us (instead of the HTTP client's generic classification). */
export const BAMBOOHR_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

function messageOf(res: HttpResponse<unknown>): string | undefined {
  const header = res.headers['x-bamboohr-error-message'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const body = res.body;
  if (body && typeof body === 'object') {
    for (const k of ['message', 'error'] as const) {
      const v = (body as Record<string, unknown>)[k];
      if (typeof v === 'string' && v !== '') return v;
      if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') return (v as { message: string }).message;
    }
  }
  return undefined;
}

/** 401 auth, 429 rate_limited (Retry-After, else 60 s), 5xx transient, anything else permanent — with BambooHR's message. */
export function bamboohrError(res: HttpResponse<unknown>, doing: string, now = Date.now()): ProviderError {
  const detail = messageOf(res);
  return providerErrorFor(res, `BambooHR ${res.status} ${doing}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: 60_000 });
}
