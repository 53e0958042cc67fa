// The store's REST Management API: where a credential's calls go and how BigCommerce's failures map to ProviderError
// kinds.
//
// Host: one API host for every store, the store named in the path — `https://api.bigcommerce.com/stores/{store_hash}`
// followed by `/v3/...` or `/v2/...` (https://developer.bigcommerce.com/docs/start/authentication/api-accounts). The
// store hash is the credential's account parameter `storeHash` (`extra.storeHash`), which the engine puts into the
// integration's apiBaseUrl, so the calls here are relative. The token goes in `X-Auth-Token`.
import { ProviderError, retryAfterMs, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** The store hash of a credential (the engine keeps it as one checked, lower-case label). */
export function storeHashOf(extra: Record<string, unknown>): string {
  const hash = extra.storeHash;
  if (typeof hash !== 'string' || hash === '') {
    throw new ProviderError('permanent', 'the BigCommerce credential has no storeHash: connect it with parameters.storeHash, or create it with extra.storeHash (e.g. abc123 from api.bigcommerce.com/stores/abc123/v3/)');
  }
  return hash;
}

const text = (v: unknown, max = 300) => (typeof v === 'string' ? v.slice(0, max) : '');

/**
 * BigCommerce's own words from a failed answer: V3 answers `{status, title, type, detail?, errors?: {field: msg}}`,
 * V2 answers a list `[{status, message}]` (https://developer.bigcommerce.com/docs/start/about/status-codes).
 */
export function errorText(body: unknown): string {
  if (Array.isArray(body)) return body.map((e) => text((e as { message?: unknown })?.message, 200)).filter(Boolean).join('; ').slice(0, 300);
  if (!body || typeof body !== 'object') return text(body);
  const b = body as { title?: unknown; detail?: unknown; errors?: unknown };
  const fields = b.errors && typeof b.errors === 'object' && !Array.isArray(b.errors)
    ? Object.entries(b.errors as Record<string, unknown>).map(([k, v]) => `${k}: ${text(v, 100)}`).join('; ')
    : '';
  return [text(b.title, 200), text(b.detail, 200), fields].filter(Boolean).join(' — ').slice(0, 300);
}

/** When a 429 answer says the quota refreshes: `X-Rate-Limit-Time-Reset-Ms` (ms), else Retry-After, else 5 s. */
export function rateLimitWaitMs(headers: Record<string, string>, now: number): number {
  const reset = Number(headers['x-rate-limit-time-reset-ms']);
  if (Number.isFinite(reset) && reset > 0) return Math.ceil(reset);
  return retryAfterMs(headers['retry-after'], now) ?? 5000;
}

/**
 * A failed answer the call let through: 401 → auth (token revoked, or the app uninstalled), 429 → rate_limited for
 * the quota window, 5xx → transient, anything else (403 missing scope, 404, 422 a refused body) permanent.
 */
export function bigcommerceError(what: string, res: HttpResponse<unknown>, now: number): ProviderError {
  const detail = errorText(res.body);
  const message = `BigCommerce ${res.status} ${what}${detail ? `: ${detail}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', message, 401);
  if (res.status === 429) return new ProviderError('rate_limited', message, 429, rateLimitWaitMs(res.headers, now));
  if (res.status >= 500) return new ProviderError('transient', message, res.status);
  return new ProviderError('permanent', message, res.status);
}

/** The statuses taken here, to keep BigCommerce's message (401 and 5xx are classified by ctx.http). */
const TAKEN = [400, 403, 404, 409, 422, 429];

/** One API call; `missingOk` returns null for 404 instead of failing. */
export async function bigcommerceCall<T>(
  ctx: { http: HttpClient; now?: () => number },
  what: string,
  req: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; json?: unknown; query?: Record<string, string | number> },
  opts: { missingOk?: boolean } = {},
): Promise<T | null> {
  const res = await ctx.http.request<T>({ ...req, headers: { accept: 'application/json' }, allowStatus: TAKEN });
  if (res.status === 404 && opts.missingOk) return null;
  if (res.status >= 400) throw bigcommerceError(what, res, ctx.now ? ctx.now() : Date.now());
  return res.body;
}
