// Basecamp 4 API errors. Basecamp documents the statuses, not an error body: 400 for an invalid payload URL or another
// validation error, 403 for client users on webhook endpoints, 404 for a deleted item, missing permissions or an inactive
// account (with a `Reason: Account Inactive` header), 429 with `Retry-After`, 507 when the account reached its webhook
// limit (https://github.com/basecamp/bc3-api/blob/master/README.md, .../sections/webhooks.md). The body's `error` or
// `message` is kept when present (not confirmed), after our reading of the status. Only statuses a caller allowed reach here; the HTTP client already
// classifies 401 → auth, 429 → rate_limited, 5xx → transient.
import { providerErrorFor, type HttpResponse } from '../../sdk/index.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

const EXPLAINED: Record<number, string> = {
  400: 'the request was refused (the payload URL must be a valid HTTPS URL)',
  403: 'this person may not manage webhooks (client users cannot)',
  404: 'the project was not found, or this person cannot see it',
  507: "the account reached Basecamp's webhook limit",
};

/** A ProviderError with Basecamp's own message where it gave one (never the request, never the token). */
export function basecampError(res: HttpResponse<unknown>, what: string, now: number): ReturnType<typeof providerErrorFor> {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  const own = str(body.error) ?? str(body.message);
  const inactive = res.status === 404 && /account inactive/i.test(res.headers['reason'] ?? '') ? 'the Basecamp account is inactive (expired trial or suspended)' : null;
  const explained = EXPLAINED[res.status];
  const detail = inactive ?? (explained && own ? `${explained} (Basecamp: ${own})` : (explained ?? own ?? null));
  const text = `Basecamp ${res.status} ${what}${detail ? `: ${detail.slice(0, 300)}` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: 10_000 });
}
