// Attio REST API v2 errors and the reads the integration makes. Attio answers every error with
// `{status_code, type, code, message}`; a 429 carries `Retry-After` as an HTTP date, usually the next second
// (https://docs.attio.com/rest-api/guides/rate-limiting). Messages carry Attio's text only, never the token or a
// webhook secret.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses an Attio call hands back to us, so the error keeps Attio's own message. */
export const ATTIO_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

interface AttioErrorBody {
  code?: unknown;
  message?: unknown;
}

/** Classify an error answer: 401 auth, 429 rate_limited (Retry-After, else 1 s), 5xx transient, else permanent. */
export function attioError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as AttioErrorBody;
  const parts = [body.code, body.message].filter((v): v is string => typeof v === 'string' && v !== '').map((v) => v.slice(0, 300));
  const text = `Attio ${res.status}${parts.length > 0 ? `: ${parts.join(': ')}` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: 1000 });
}

/** A non-empty string, or null. */
export function idOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** GET a resource and return its `data`; null when Attio answers 404 (deleted since the event). */
export async function readData(http: HttpClient, path: string, now: number): Promise<unknown> {
  const res = await http.request<{ data?: unknown }>({ path, allowStatus: ATTIO_ERROR_STATUSES });
  if (res.status === 404) return null;
  if (res.status >= 400) throw attioError(res, now);
  return res.body?.data ?? null;
}

/**
 * `GET /objects/{object}` (slug or UUID): the object's UUID and slug. A 404 names the trigger parameter, since
 * it is the user's input that names no object.
 */
export async function resolveObject(http: HttpClient, object: string, now: number): Promise<{ objectId: string; apiSlug: string }> {
  const res = await http.request<{ data?: { id?: { object_id?: unknown }; api_slug?: unknown } }>({ path: `/objects/${encodeURIComponent(object)}`, allowStatus: ATTIO_ERROR_STATUSES });
  if (res.status === 404) throw new ProviderError('permanent', `Attio has no object "${object}" (parameter object): use an object's API slug such as people, companies or deals, or its id`, 404);
  if (res.status >= 400) throw attioError(res, now);
  const objectId = idOf(res.body?.data?.id?.object_id);
  if (!objectId) throw new ProviderError('permanent', `Attio answered GET /v2/objects/${object} without an object id`);
  return { objectId, apiSlug: idOf(res.body?.data?.api_slug) ?? object };
}
