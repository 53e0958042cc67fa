// Eventbrite API v3 errors. Eventbrite answers errors as JSON `{status_code, error, error_description}`
// (https://www.eventbrite.com/platform/api#/introduction/errors): `error` is a constant such as NOT_FOUND or
// NOT_AUTHORIZED, `error_description` a sentence. Only statuses a caller allowed reach here; the HTTP client already
// classifies 401 → auth, 429 → rate_limited, 5xx → transient.
import { providerErrorFor, type HttpResponse } from '../../sdk/index.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

const EXPLAINED: Record<number, string> = {
  400: 'the request was refused',
  403: 'this account may not do that (is it a member of the organization, with access to the event?)',
  404: 'not found (check the organization id and event id)',
};

/** A ProviderError with Eventbrite's own code and description (never the request, never the token). */
export function eventbriteError(res: HttpResponse<unknown>, what: string, now: number): ReturnType<typeof providerErrorFor> {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  const code = str(body.error);
  const description = str(body.error_description);
  const own = code && description ? `${code}: ${description}` : (description ?? code);
  const explained = EXPLAINED[res.status];
  const detail = explained && own ? `${explained} (Eventbrite: ${own})` : (explained ?? own ?? null);
  const text = `Eventbrite ${res.status} ${what}${detail ? `: ${detail.slice(0, 300)}` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: 60_000 });
}

/** An Eventbrite id as text: Eventbrite sends ids as strings of digits (numbers accepted too). */
export const idOf = (v: unknown): string | null =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? String(v) : typeof v === 'string' && /^[1-9]\d{0,24}$/.test(v) ? v : null;
