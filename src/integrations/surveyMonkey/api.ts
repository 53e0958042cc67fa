// SurveyMonkey API v3: its error body and the reads the integration makes.
// Errors (https://api.surveymonkey.com/v3/docs#error-codes): `{"error": {"id": "1011", "name": "Authorization Error",
// "message": "...", "docs": "...", "http_status_code": 401}}`; 401 = missing, invalid or revoked token (1010–1013),
// 403 = scope or plan missing (1014–1016), 404 = 1020, 409 = 1025/1026, 429 = request limits (per second and per
// day, by plan), 5xx = 1050/1051.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves to keep SurveyMonkey's message (5xx are classified by ctx.http). */
export const SURVEYMONKEY_HANDLED_STATUSES = [400, 401, 403, 404, 409, 413, 429];

/** SurveyMonkey ids are decimal strings. */
export const SM_ID = /^\d{1,20}$/;

/** A rate-limited call without Retry-After waits a minute (the per-second limit frees up sooner, the daily one later). */
const RATE_LIMIT_PAUSE_MS = 60_000;

function errorText(res: HttpResponse<unknown>, what: string): string {
  const body = res.body && typeof res.body === 'object' ? (res.body as { error?: unknown }) : {};
  const error = body.error && typeof body.error === 'object' ? (body.error as { id?: unknown; name?: unknown; message?: unknown }) : {};
  const parts: string[] = [];
  if (typeof error.name === 'string' && error.name !== '') parts.push(error.name.slice(0, 80));
  if (typeof error.message === 'string' && error.message !== '') parts.push(error.message.slice(0, 240));
  const code = typeof error.id === 'string' || typeof error.id === 'number' ? ` (error ${String(error.id).slice(0, 10)})` : '';
  return `SurveyMonkey ${res.status} ${what}${parts.length > 0 ? `: ${parts.join(': ')}` : ''}${code}`;
}

/** A failed SurveyMonkey answer as a ProviderError: 401 auth, 429 rate_limited, 5xx transient, else permanent. */
export function surveyMonkeyError(res: HttpResponse<unknown>, what: string, now: number = Date.now()): ProviderError {
  return providerErrorFor(res, errorText(res, what), { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** GET a resource; null on 404 (deleted meanwhile), ProviderError otherwise. */
export async function getOrNull<T>(http: HttpClient, path: string, what: string, now: number): Promise<T | null> {
  const res = await http.request<T>({ path, allowStatus: SURVEYMONKEY_HANDLED_STATUSES });
  if (res.status === 404) return null;
  if (res.status >= 400) throw surveyMonkeyError(res, what, now);
  return res.body;
}

/** `GET /users/me`: the account the token acts for (https://api.surveymonkey.com/v3/docs#api-endpoints-get-users-me). */
export async function currentUser(http: HttpClient): Promise<{ id: string; username?: string }> {
  const res = await http.request<{ id?: unknown; username?: unknown } | null>({ path: '/users/me', allowStatus: SURVEYMONKEY_HANDLED_STATUSES });
  if (res.status >= 400) throw surveyMonkeyError(res, 'reading the connected user (GET /users/me)');
  const id = res.body?.id;
  const text = typeof id === 'number' ? String(id) : id;
  if (typeof text !== 'string' || !SM_ID.test(text)) throw new ProviderError('permanent', 'SurveyMonkey GET /users/me answered without a user id');
  return { id: text, ...(typeof res.body?.username === 'string' ? { username: res.body.username } : {}) };
}
