// The usual reading of a provider's failed answer, for integrations that take 4xx/5xx answers themselves
// (`allowStatus`) to put the provider's own message into the error: 401 → auth, 429 → rate_limited for the
// answer's Retry-After (else a pause the integration chooses), 5xx → transient, anything else permanent.
import { parseRetryAfter } from './retry-after.js';
import { ProviderError, type HttpResponse } from './types.js';

/** Retry-After as a wait in ms (parseRetryAfter: seconds, fractions included, or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  return value ? parseRetryAfter(value, now) : undefined;
}

/** `text` is the provider's own description of the failure (never a token or secret). */
export function providerErrorFor(res: HttpResponse<unknown>, text: string, opts: { now: number; rateLimitPauseMs: number }): ProviderError {
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) return new ProviderError('rate_limited', text, 429, retryAfterMs(res.headers['retry-after'], opts.now) ?? opts.rateLimitPauseMs);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}
