// Brevo's REST API v3 (https://api.brevo.com/v3): how a call is made and how Brevo's failures map to ProviderError kinds.
//
// Auth: the account's API key (`xkeysib-…`, SMTP & API → API keys) in the `api-key` header
// (https://developers.brevo.com/docs/getting-started). Errors answer `{code, message}` (e.g. `{"code":
// "unauthorized", "message": "Key not found"}`, `{"code": "document_not_found", …}`); a 429 carries
// `x-sib-ratelimit-limit`, `x-sib-ratelimit-remaining` and `x-sib-ratelimit-reset` — the time left in the window, in
// seconds (https://developers.brevo.com/docs/limit-headers). Messages carry Brevo's text only, never the key or a
// webhook's secret.
import { ProviderError, retryAfterMs, type HttpClient, type HttpResponse } from '../../sdk/index.js';

const text = (v: unknown, max = 300) => (typeof v === 'string' ? v.slice(0, max) : '');

/** Brevo's own words from a failed answer: `code — message`, or '' when the body says nothing readable. */
export function errorText(body: unknown): string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return text(body);
  const b = body as { code?: unknown; message?: unknown };
  return [text(b.code, 60), text(b.message)].filter(Boolean).join(' — ').slice(0, 300);
}

/** The wait a 429 asks for: `x-sib-ratelimit-reset` (seconds), else Retry-After, else one minute. */
export function rateLimitWaitMs(headers: Record<string, string>, now: number): number {
  const reset = Number(headers['x-sib-ratelimit-reset']);
  if (headers['x-sib-ratelimit-reset'] !== undefined && Number.isFinite(reset) && reset >= 0) return Math.max(1000, Math.ceil(reset * 1000));
  return retryAfterMs(headers['retry-after'], now) ?? 60_000;
}

/**
 * A failed answer: 401 → auth (key revoked, or the calling IP not authorised for the key), 429 → rate_limited for the
 * window's reset, 5xx → transient, anything else (400 a refused body, 402 a plan limit, 403, 404) permanent.
 */
export function brevoError(what: string, res: HttpResponse<unknown>, now: number): ProviderError {
  const detail = errorText(res.body);
  const message = `Brevo ${res.status} ${what}${detail ? `: ${detail}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', message, 401);
  if (res.status === 429) return new ProviderError('rate_limited', message, 429, rateLimitWaitMs(res.headers, now));
  if (res.status >= 500) return new ProviderError('transient', message, res.status);
  return new ProviderError('permanent', message, res.status);
}

/** The statuses taken here to keep Brevo's message. */
const TAKEN = [400, 401, 402, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504];

/** One API call; `missingOk` returns null for 404 instead of failing. */
export async function brevoCall<T>(
  ctx: { http: HttpClient; now?: () => number },
  what: string,
  req: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; json?: unknown },
  opts: { missingOk?: boolean } = {},
): Promise<T | null> {
  const res = await ctx.http.request<T>({ ...req, headers: { accept: 'application/json' }, allowStatus: TAKEN });
  if (res.status === 404 && opts.missingOk) return null;
  if (res.status >= 400) throw brevoError(what, res, ctx.now ? ctx.now() : Date.now());
  return res.body;
}
