// The parts of Airtable's Web API the triggers use: webhooks (create, list, refresh, delete, list payloads) and
// the error answers. Facts and sources: docs/integrations/airtable.md.
import { ProviderError, type HttpClient, type HttpRequest, type HttpResponse } from '../../sdk/index.js';

export const AIRTABLE_WEBHOOKS_DOCS = 'https://airtable.com/developers/web/api/webhooks-overview';

/**
 * "If you exceed this rate, you will receive a 429 status code and will need to wait 30 seconds before
 * subsequent requests will succeed" (5 requests per second per base; webhooks-overview, "Rate limits").
 * Airtable documents no Retry-After header, so the pause is this one.
 */
export const AIRTABLE_RATE_LIMIT_PAUSE_MS = 30_000;

/** Airtable ids: a three-letter prefix and 14 letters or digits (e.g. `appXXXXXXXXXXXXXX`). */
const idPattern = (prefix: string) => new RegExp(`^${prefix}[A-Za-z0-9]{14}$`);
export const BASE_ID = idPattern('app');
export const TABLE_ID = idPattern('tbl');
export const WEBHOOK_ID = idPattern('ach');

export interface AirtableParams {
  baseId: string;
  tableId: string;
}

/** Statuses answered to the caller rather than thrown by ctx.http (401 stays with the engine: token refresh). */
const HANDLED = [400, 403, 404, 409, 422, 429];

/** Airtable's error body: `{"error": {"type": "…", "message": "…"}}` or `{"error": "NOT_FOUND"}`. */
export function airtableErrorText(body: unknown): string {
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const { type, message } = error as { type?: unknown; message?: unknown };
    return [typeof type === 'string' ? type : '', typeof message === 'string' ? message : ''].filter(Boolean).join(': ');
  }
  return '';
}

/** The ProviderError for an Airtable error answer (never the request's token: only Airtable's error text). */
export function airtableFailure(res: HttpResponse, what: string): ProviderError {
  const text = airtableErrorText(res.body).slice(0, 300);
  const detail = `${what}: Airtable answered HTTP ${res.status}${text ? ` (${text})` : ''}`;
  if (res.status === 429) return new ProviderError('rate_limited', detail, 429, AIRTABLE_RATE_LIMIT_PAUSE_MS);
  if (res.status === 403 || res.status === 404) {
    return new ProviderError(
      'permanent',
      `${detail}; the base or table does not exist, or the connected account has not granted this integration access to it`,
      res.status,
    );
  }
  return new ProviderError('permanent', detail, res.status);
}

/** One Airtable call; error answers become classified ProviderErrors, `allow` statuses are returned. */
export async function airtableCall<T>(http: HttpClient, req: HttpRequest, what: string, allow: number[] = []): Promise<HttpResponse<T>> {
  const res = await http.request<T>({ ...req, allowStatus: [...HANDLED, ...allow] });
  if (res.status >= 400 && !allow.includes(res.status)) throw airtableFailure(res, what);
  return res;
}

export const webhooksPath = (baseId: string) => `/v0/bases/${encodeURIComponent(baseId)}/webhooks`;
export const webhookPath = (baseId: string, webhookId: string) => `${webhooksPath(baseId)}/${encodeURIComponent(webhookId)}`;

/** A webhook as `GET /v0/bases/{baseId}/webhooks` lists it (https://airtable.com/developers/web/api/list-webhooks). */
export interface AirtableWebhook {
  id?: unknown;
  isHookEnabled?: unknown;
  areNotificationsEnabled?: unknown;
  expirationTime?: unknown;
  cursorForNextPayload?: unknown;
}

export async function listWebhooks(http: HttpClient, baseId: string): Promise<AirtableWebhook[]> {
  const res = await airtableCall<{ webhooks?: unknown }>(http, { path: webhooksPath(baseId) }, 'list webhooks');
  const hooks = res.body?.webhooks;
  if (!Array.isArray(hooks)) throw new ProviderError('transient', 'list webhooks: Airtable answered without a webhooks array');
  return hooks.filter((h): h is AirtableWebhook => h !== null && typeof h === 'object');
}

// ── payloads ─────────────────────────────────────────────────────────────────────────────────────────

/** One record change as a payload carries it (https://airtable.com/developers/web/api/model/webhooks-table-changed). */
export interface TableChanges {
  createdRecordsById?: Record<string, { createdTime?: unknown; cellValuesByFieldId?: unknown } | null>;
  changedRecordsById?: Record<string, { current?: unknown; previous?: unknown; unchanged?: unknown } | null>;
  destroyedRecordIds?: unknown;
}

/** A webhook payload (https://airtable.com/developers/web/api/model/webhooks-payload). */
export interface WebhookPayload {
  timestamp?: unknown;
  baseTransactionNumber?: unknown;
  actionMetadata?: unknown;
  payloadFormat?: unknown;
  changedTablesById?: Record<string, TableChanges | null>;
  /** The error variant: `{error: true, code: 'INVALID_FILTERS' | 'INVALID_HOOK' | 'INTERNAL_ERROR', …}`. */
  error?: unknown;
  code?: unknown;
}

interface PayloadPage {
  payloads?: unknown;
  cursor?: unknown;
  mightHaveMore?: unknown;
}

/** Airtable returns at most 50 payloads per request (list-webhook-payloads, `limit`). */
export const PAYLOAD_PAGE_LIMIT = 50;
/** Pages read per notification; the next notification (or the backstop sync) continues from the stored cursor. */
export const MAX_PAYLOAD_PAGES = 20;

/**
 * Read the payloads from `cursor` on, in transaction order, until Airtable says there are no more (or
 * MAX_PAYLOAD_PAGES). Returns them with the cursor to continue from: "the transaction number of the payload
 * that would immediately follow the last payload returned" (list-webhook-payloads). 404: the webhook is gone.
 */
export async function readPayloads(
  http: HttpClient,
  baseId: string,
  webhookId: string,
  cursor: number,
): Promise<{ payloads: WebhookPayload[]; cursor: number; more: boolean }> {
  const payloads: WebhookPayload[] = [];
  let at = cursor;
  for (let page = 0; page < MAX_PAYLOAD_PAGES; page++) {
    const res = await airtableCall<PayloadPage>(
      http,
      { path: `${webhookPath(baseId, webhookId)}/payloads`, query: { cursor: at, limit: PAYLOAD_PAGE_LIMIT } },
      'list webhook payloads',
    );
    const body = res.body ?? {};
    if (!Array.isArray(body.payloads) || typeof body.cursor !== 'number' || !Number.isSafeInteger(body.cursor)) {
      throw new ProviderError('transient', 'list webhook payloads: Airtable answered without payloads and a numeric cursor');
    }
    payloads.push(...body.payloads.filter((p): p is WebhookPayload => p !== null && typeof p === 'object'));
    // The cursor never goes back; a smaller one would re-read (harmless, keys dedupe) but could loop.
    const next = Math.max(at, body.cursor);
    const more = body.mightHaveMore === true && next > at;
    at = next;
    if (!more) return { payloads, cursor: at, more: false };
  }
  return { payloads, cursor: at, more: true };
}
