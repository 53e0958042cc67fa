// Outreach API v2 (JSON:API) error answers. Outreach answers failures with a JSON:API error document
// `{errors: [{id, title, detail}]}` (https://developers.outreach.io/api/making-requests); 401 → auth, 429 →
// rate_limited (Retry-After when sent, else a minute), 5xx → transient, others permanent with Outreach's own
// text. Messages never carry the access token or a webhook secret.
import { providerErrorFor, type HttpResponse, type ProviderError } from '../../sdk/index.js';

/** Statuses an Outreach call hands back to the integration (5xx are classified by ctx.http as transient). */
export const OUTREACH_ERROR_STATUSES = [400, 401, 403, 404, 409, 415, 422, 429];

/** Outreach requires the JSON:API media type on requests with a body; other types are refused with 415. */
export const JSON_API = 'application/vnd.api+json';

interface JsonApiError {
  id?: unknown;
  title?: unknown;
  detail?: unknown;
  details?: unknown;
  source?: { pointer?: unknown } | null;
}

function errorText(res: HttpResponse<unknown>): string {
  const body = res.body && typeof res.body === 'object' ? (res.body as { errors?: unknown }) : {};
  const errors = Array.isArray(body.errors) ? (body.errors as Array<JsonApiError | null>) : [];
  const parts: string[] = [];
  for (const e of errors.slice(0, 3)) {
    if (!e || typeof e !== 'object') continue;
    const detail = typeof e.detail === 'string' ? e.detail : typeof e.details === 'string' ? e.details : undefined;
    const title = typeof e.title === 'string' ? e.title : typeof e.id === 'string' ? e.id : undefined;
    const pointer = typeof e.source?.pointer === 'string' ? `${e.source.pointer.slice(0, 80)}: ` : '';
    const text = [title, detail].filter((x): x is string => x !== undefined && x !== '').join(' — ');
    if (text !== '') parts.push(`${pointer}${text}`.slice(0, 240));
  }
  return `Outreach ${res.status}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

export function outreachError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  return providerErrorFor(res, errorText(res), { now, rateLimitPauseMs: 60_000 });
}
