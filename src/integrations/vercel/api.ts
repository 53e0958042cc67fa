// Vercel REST API errors (https://vercel.com/docs/rest-api/errors): every error answers
// `{"error": {"code", "message", …}}`; a 429 carries `error.limit.reset` (Unix seconds) / `resetMs` (Unix ms) —
// when the endpoint's limit is replenished. Messages carry Vercel's code and text only, never the token or a
// webhook secret.
import { ProviderError, providerErrorFor, type HttpResponse } from '../../sdk/index.js';

interface VercelErrorBody {
  error?: { code?: unknown; message?: unknown; invalidToken?: unknown; limit?: { reset?: unknown; resetMs?: unknown } | null } | null;
}

/** Statuses a Vercel call hands back to us (instead of the HTTP client's generic classification). */
export const VERCEL_ERROR_STATUSES = [400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503, 504];

const RATE_LIMIT_PAUSE_MS = 60_000;

/** Milliseconds until `error.limit.resetMs` (or `reset` in seconds), when the 429 body says; undefined otherwise. */
function resetWaitMs(body: VercelErrorBody, now: number): number | undefined {
  const limit = body.error?.limit;
  if (!limit || typeof limit !== 'object') return undefined;
  const at = typeof limit.resetMs === 'number' ? limit.resetMs : typeof limit.reset === 'number' ? limit.reset * 1000 : NaN;
  return Number.isFinite(at) ? Math.max(0, Math.ceil(at - now)) : undefined;
}

/**
 * Classify an error answer Vercel gave to a call that allowed it: 401, and 403 flagged `invalidToken`, → auth;
 * 429 → rate_limited until `error.limit` resets (else Retry-After, else 60 s); 5xx → transient; else permanent.
 */
export function vercelError(res: HttpResponse<unknown>, now = Date.now()): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as VercelErrorBody;
  const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
  const message = typeof body.error?.message === 'string' ? body.error.message : undefined;
  const detail = [code, message].filter((s) => s !== undefined && s !== '').join(': ');
  const text = `Vercel ${res.status}${detail ? ` ${detail}` : ''}`;
  if (res.status === 403 && body.error?.invalidToken === true) return new ProviderError('auth', text, 403);
  if (res.status === 429) {
    const wait = resetWaitMs(body, now);
    if (wait !== undefined) return new ProviderError('rate_limited', text, 429, wait);
  }
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}
