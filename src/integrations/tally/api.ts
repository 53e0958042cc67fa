// Tally API calls the triggers make, and Tally's error answers.
//
// https://developers.tally.so/api-reference/introduction — base URL https://api.tally.so, `Authorization: Bearer
// <token>` (an API key `tly-…` from Settings → API keys, inheriting the user's permissions), standard status codes
// (400, 401, 403, 404, 429 "Rate Limited", 500) and a limit of 100 requests per minute.
import { providerErrorFor, type HttpClient, type HttpResponse, type ProviderError } from '../../sdk/index.js';

/** Without a Retry-After, wait out the rest of Tally's one-minute window. */
const RATE_LIMIT_PAUSE_MS = 60_000;

/** Statuses the triggers take themselves to keep Tally's message (5xx too: the client would only say "5xx"). */
export const TALLY_ERROR_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

/**
 * Tally documents the status codes but not the error body. The readings it is known to use — `{message}`,
 * `{error: {message, code}}` or `{error: "…"}` — are all taken; the text names the status either way.
 */
export function tallyError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { message?: unknown; error?: unknown; code?: unknown };
  const nested = body.error && typeof body.error === 'object' ? (body.error as { message?: unknown; code?: unknown }) : {};
  const message = [body.message, nested.message, typeof body.error === 'string' ? body.error : undefined].find((v): v is string => typeof v === 'string' && v !== '');
  const code = [body.code, nested.code].find((v): v is string => typeof v === 'string' && v !== '');
  const text = `Tally ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** A form id as it appears in the form's share link (`https://tally.so/r/mexJoq` → `mexJoq`). */
export const FORM_ID = /^[A-Za-z0-9]{1,32}$/;

export function validateFormId(value: unknown): string | null {
  if (typeof value !== 'string' || !FORM_ID.test(value)) {
    return 'must be the Tally form id: the letters and digits after /r/ or /forms/ in the form\'s link (e.g. mexJoq in https://tally.so/r/mexJoq)';
  }
  return null;
}

export interface TallyForm {
  id?: unknown;
  name?: unknown;
  workspaceId?: unknown;
  status?: unknown;
  createdAt?: unknown;
  updatedAt?: unknown;
  [k: string]: unknown;
}

interface FormsPage {
  items?: unknown;
  page?: unknown;
  limit?: unknown;
  total?: unknown;
  hasMore?: unknown;
}

/** Tally allows up to 500 forms a page (https://developers.tally.so/api-reference/endpoint/forms/list). */
export const FORMS_PAGE_SIZE = 500;
/** A bound on one poll: 5 pages, 2,500 forms, 5 of the 100 requests a minute. */
export const MAX_FORM_PAGES = 5;

/**
 * Every form the key can see, `GET /forms?page=&limit=500` until `hasMore` is false (or the page bound). The list
 * documents no sort order and no date filter, so a poll reads it whole and lets item keys tell what is new.
 */
export async function listForms(http: HttpClient, now: () => number): Promise<TallyForm[]> {
  const forms: TallyForm[] = [];
  for (let page = 1; page <= MAX_FORM_PAGES; page++) {
    const res = await http.request<FormsPage>({ path: '/forms', query: { page, limit: FORMS_PAGE_SIZE }, allowStatus: TALLY_ERROR_STATUSES });
    if (res.status >= 400) throw tallyError(res, now());
    const items = Array.isArray(res.body?.items) ? (res.body.items as unknown[]) : [];
    for (const f of items) if (f && typeof f === 'object' && typeof (f as TallyForm).id === 'string') forms.push(f as TallyForm);
    if (res.body?.hasMore !== true || items.length === 0) break;
  }
  return forms;
}

/** An RFC 3339 time as ms, or undefined. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
