// GitHub REST calls with GitHub's rate-limit rules, which the generic HTTP client cannot know: an exceeded
// limit is HTTP 403 *or* 429, recognisable by `x-ratelimit-remaining: 0` (primary limit: wait until
// `x-ratelimit-reset`, epoch seconds) or by `retry-after` / the "secondary rate limit" message (secondary
// limit: wait `retry-after` seconds, else at least a minute).
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
import { ProviderError, type HttpClient, type HttpRequest, type HttpResponse } from '../../sdk/index.js';

/** GitHub's documented advice when a secondary limit gives no retry-after: wait at least one minute. */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

function messageOf(body: unknown): string | undefined {
  if (body !== null && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return typeof body === 'string' && body !== '' ? body.slice(0, 300) : undefined;
}

/**
 * The ProviderError for a 403/429 answer: `rate_limited` (with how long to wait) when it is a rate limit,
 * otherwise `permanent` (403: the token lacks a scope or the user lacks access).
 */
export function githubLimitError(res: HttpResponse, now: number): ProviderError {
  const message = messageOf(res.body);
  const text = `GitHub answered HTTP ${res.status}${message ? `: ${message}` : ''}`;
  const retryAfter = res.headers['retry-after'];
  if (retryAfter !== undefined && /^\s*\d+\s*$/.test(retryAfter)) {
    return new ProviderError('rate_limited', text, res.status, Number(retryAfter) * 1000);
  }
  if (res.headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(res.headers['x-ratelimit-reset']);
    const wait = Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : SECONDARY_LIMIT_WAIT_MS;
    return new ProviderError('rate_limited', text, res.status, wait);
  }
  if (res.status === 429 || /rate limit/i.test(message ?? '')) {
    return new ProviderError('rate_limited', text, res.status, SECONDARY_LIMIT_WAIT_MS);
  }
  return new ProviderError('permanent', text, res.status);
}

/**
 * `http.request` with GitHub's rate-limit classification. Statuses in `req.allowStatus` are returned as
 * usual; 403 and 429 are always inspected here.
 */
export async function githubRequest<T = unknown>(http: HttpClient, req: HttpRequest, now: () => number): Promise<HttpResponse<T>> {
  const allowed = req.allowStatus ?? [];
  const res = await http.request<T>({ ...req, allowStatus: [...allowed, 403, 429] });
  if ((res.status === 403 || res.status === 429) && !allowed.includes(res.status)) throw githubLimitError(res, now());
  return res;
}

/** The authenticated user (https://docs.github.com/en/rest/users/users#get-the-authenticated-user). */
export async function githubAccount(http: HttpClient, now: () => number = Date.now): Promise<{ providerAccountId: string; extra: Record<string, unknown> }> {
  const res = await githubRequest<{ id?: unknown; login?: unknown }>(http, { path: '/user' }, now);
  const id = res.body?.id;
  if (typeof id !== 'number' && typeof id !== 'string') throw new ProviderError('permanent', 'GitHub GET /user answered without an id');
  return { providerAccountId: String(id), extra: typeof res.body.login === 'string' ? { login: res.body.login } : {} };
}
