// Calls to Google APIs, for integrations built on them (gmail, googleCalendar, googledrive, and any other API
// that answers with Google's standard error body). Import it from `src/sdk/providers/google.js` (it is not
// part of the SDK's index: only Google integrations need it).
//
// Google reports most rate limits as HTTP 403 with a `usageLimits` reason (`rateLimitExceeded`,
// `userRateLimitExceeded`, …) rather than 429, and the SDK's HttpClient classifies every 403 as permanent.
// A Google integration sends every call through `googleRequest`, which reads Google's error body and turns
// those 403s into `rate_limited` so the engine backs off instead of marking the subscription ERRORED.
//
// Error body (https://developers.google.com/workspace/calendar/api/guides/errors):
//   {"error": {"errors": [{"domain": "usageLimits", "reason": "userRateLimitExceeded", "message": "…"}],
//              "code": 403, "message": "User Rate Limit Exceeded"}}
import { ProviderError, type HttpClient, type HttpRequest, type HttpResponse, type OAuth2Auth } from '../types.js';

/**
 * Google's OAuth 2.0 (https://developers.google.com/identity/protocols/oauth2/web-server) for these scopes.
 * `access_type=offline` returns a refresh token; `prompt=consent` returns one again on a reconnect.
 */
export function googleOAuth2(scopes: string[]): OAuth2Auth {
  return {
    kind: 'oauth2',
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    scopes,
    pkce: true,
    clientAuth: 'body',
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  };
}

interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    errors?: Array<{ domain?: string; reason?: string; message?: string }>;
    details?: Array<{ reason?: string }>;
  };
}

/** 403 reasons that mean "slow down", not "forbidden". */
const RATE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'dailyLimitExceeded',
  'RATE_LIMIT_EXCEEDED',
  'RESOURCE_EXHAUSTED',
]);
/** A daily quota does not come back in a minute: wait an hour before trying again. */
const DAILY_LIMIT_PAUSE_MS = 60 * 60_000;

export function googleErrorReasons(body: unknown): string[] {
  const error = (body as GoogleErrorBody | null)?.error;
  if (!error || typeof error !== 'object') return [];
  const reasons = [
    ...(error.errors ?? []).map((e) => e.reason),
    ...(error.details ?? []).map((d) => d.reason),
    error.status,
  ];
  return reasons.filter((r): r is string => typeof r === 'string' && r !== '');
}

export function googleErrorMessage(body: unknown): string {
  const error = (body as GoogleErrorBody | null)?.error;
  if (error && typeof error.message === 'string') return error.message;
  return typeof body === 'string' ? body.slice(0, 300) : '';
}

/** The ProviderError for a Google 403: rate limited when its reason says so, else permanent. */
export function googleForbidden(body: unknown): ProviderError {
  const reasons = googleErrorReasons(body);
  const message = `Google answered HTTP 403: ${googleErrorMessage(body) || reasons.join(', ') || 'forbidden'}`;
  if (reasons.some((r) => RATE_LIMIT_REASONS.has(r))) {
    return new ProviderError('rate_limited', message, 403, reasons.includes('dailyLimitExceeded') ? DAILY_LIMIT_PAUSE_MS : undefined);
  }
  return new ProviderError('permanent', message, 403);
}

/** `http.request` with Google's 403 rate limits classified; statuses in `allowStatus` are returned as usual. */
export async function googleRequest<T>(http: HttpClient, req: HttpRequest): Promise<HttpResponse<T>> {
  const allowed = req.allowStatus ?? [];
  const res = await http.request<T>({ ...req, allowStatus: allowed.includes(403) ? allowed : [...allowed, 403] });
  if (res.status === 403 && !allowed.includes(403)) throw googleForbidden(res.body);
  return res;
}
