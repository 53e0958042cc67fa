// Gorgias REST API (https://developers.gorgias.com/reference): every account lives on its own host,
// `https://{domain}.gorgias.com/api` (the `domain` account parameter), so calls stay relative to apiBaseUrl.
// Reads used here: `GET /tickets/{id}`, `GET /tickets/{ticket_id}/messages/{id}`, `GET /integrations/{id}`,
// `GET /account`. Rate limits (https://developers.gorgias.com/reference/limitations): a leaky bucket of 40 calls
// per 20 s for API keys, 80 per 20 s for OAuth apps; over it, 429 with `Retry-After` in seconds.
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Gorgias's message (5xx are classified by ctx.http as transient). */
export const GORGIAS_HANDLED_STATUSES = [400, 401, 403, 404, 409, 422, 429];

/** Without a Retry-After, wait one leaky-bucket window (20 s). */
const RATE_LIMIT_PAUSE_MS = 20_000;

const ID = /^[1-9][0-9]{0,18}$/;

/** A Gorgias numeric id as text, or null. */
export function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && ID.test(value.trim())) return value.trim();
  return null;
}

/** Gorgias's error message: `{"error": {"msg": "…"}}`, `{"message": "…"}` or `{"error": "…"}`. */
function messageOf(body: unknown): string | null {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body.trim() !== '' ? body.trim() : null;
  const b = body as { error?: unknown; message?: unknown };
  if (b.error && typeof b.error === 'object' && typeof (b.error as { msg?: unknown }).msg === 'string') return (b.error as { msg: string }).msg;
  if (typeof b.message === 'string' && b.message !== '') return b.message;
  if (typeof b.error === 'string' && b.error !== '') return b.error;
  return null;
}

/** A Gorgias failure as a ProviderError with Gorgias's own message (never a key, token or secret). */
export function gorgiasError(res: HttpResponse<unknown>, now: number): ProviderError {
  const message = messageOf(res.body);
  return providerErrorFor(res, `Gorgias ${res.status}${message ? `: ${message.slice(0, 300)}` : ''}`, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

export type GorgiasObject = Record<string, unknown> & { id?: unknown };

/** One object by path; null when Gorgias no longer has it (404). */
export async function fetchObject(http: HttpClient, path: string, what: string, now: number): Promise<GorgiasObject | null> {
  const res = await http.request<GorgiasObject | null>({ path, allowStatus: GORGIAS_HANDLED_STATUSES });
  if (res.status === 404) return null;
  if (res.status >= 400) throw gorgiasError(res, now);
  if (!res.body || typeof res.body !== 'object' || Array.isArray(res.body)) throw new ProviderError('transient', `Gorgias answered without the ${what}`);
  return res.body;
}

export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // Gorgias writes naive UTC date-times ("2019-07-05T15:33:42.123456"): read them as UTC.
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
