// Salesloft API v2 error answers and the one account call the integration makes.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Status codes our calls read themselves, to keep Salesloft's message (5xx and others are classified by ctx.http). */
export const SALESLOFT_HANDLED_STATUSES = [400, 401, 403, 404, 409, 422, 429];

/** Without Retry-After, a rate-limited call waits a minute: the limit is "600 cost per minute" per team. */
const RATE_LIMIT_PAUSE_MS = 60_000;

function short(value: unknown, max = 200): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : null;
}

/**
 * Salesloft's own words from an error body. Seen shapes: `{error, error_description}` (OAuth-style),
 * `{error}` or `{message}`, and validation errors `{errors: {field: ["message", …]}}` or `{errors: [{attribute,
 * message}]}` — the exact shape is not confirmed (docs/integrations/salesloft.md), so each is read if present.
 */
function errorText(res: HttpResponse<unknown>): string {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of ['error', 'error_description', 'message']) {
    const v = short(body[k]);
    if (v && !parts.includes(v)) parts.push(v);
  }
  const errors = body.errors;
  if (Array.isArray(errors)) {
    for (const e of errors.slice(0, 3)) {
      if (typeof e === 'string') parts.push(e.slice(0, 160));
      else if (e && typeof e === 'object') {
        const o = e as Record<string, unknown>;
        const msg = short(o.message, 160);
        if (msg) parts.push(short(o.attribute, 60) ? `${String(o.attribute).slice(0, 60)}: ${msg}` : msg);
      }
    }
  } else if (errors && typeof errors === 'object') {
    for (const [field, msgs] of Object.entries(errors).slice(0, 3)) {
      const list = (Array.isArray(msgs) ? msgs : [msgs]).filter((m): m is string => typeof m === 'string');
      if (list.length > 0) parts.push(`${field.slice(0, 60)}: ${list.join(', ').slice(0, 160)}`);
    }
  }
  return `Salesloft ${res.status}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

/** A failed Salesloft answer as a ProviderError: 401 → auth, 429 → rate_limited (Retry-After), 5xx → transient, else permanent. */
export function salesloftError(res: HttpResponse<unknown>, now: number = Date.now()): ProviderError {
  return providerErrorFor(res, errorText(res), { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

export interface SalesloftUser {
  id: string;
  guid?: string;
  teamId?: string;
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  return null;
}

/** `GET /v2/me`: the user the token acts for, `{data: {id, guid, team: {id}}}` (https://developers.salesloft.com/docs/api/me-index/). */
export async function currentUser(http: HttpClient): Promise<SalesloftUser> {
  const res = await http.request<{ data?: { id?: unknown; guid?: unknown; team?: { id?: unknown } | null } | null } | null>({
    path: '/me',
    allowStatus: SALESLOFT_HANDLED_STATUSES,
  });
  if (res.status >= 400) throw salesloftError(res);
  const data = res.body?.data;
  const id = idText(data?.id);
  if (!id) throw new ProviderError('permanent', 'Salesloft answered GET /v2/me without a user id');
  const teamId = idText(data?.team?.id);
  return { id, ...(typeof data?.guid === 'string' ? { guid: data.guid } : {}), ...(teamId ? { teamId } : {}) };
}
