// Smartsheet API 2.0 calls the triggers make, and Smartsheet's error shape.
import { ProviderError, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves; 401 and 5xx stay with the engine's client (refresh once, then `auth`; `transient`). */
export const SMARTSHEET_HANDLED_STATUSES = [400, 403, 404, 405, 409, 429];

/** Smartsheet's error body: `{errorCode, message, refId}` (https://developers.smartsheet.com/api/smartsheet/error-codes). */
interface SmartsheetErrorBody {
  errorCode?: unknown;
  message?: unknown;
  refId?: unknown;
}

/** Smartsheet's "Rate limit exceeded." errorCode (answered with 429). */
export const RATE_LIMIT_ERROR_CODE = 4003;

/**
 * A Smartsheet failure as a ProviderError with Smartsheet's own message and errorCode (never the request's
 * token or a webhook's sharedSecret: only the answer's `message`, cut short). 429 or errorCode 4003 →
 * `rate_limited` (Smartsheet documents no Retry-After; one is honoured when present, else a minute),
 * 401 → `auth`, 5xx → `transient`, everything else `permanent`.
 */
export function smartsheetError(res: HttpResponse<unknown>, what: string): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as SmartsheetErrorBody;
  const code = typeof body.errorCode === 'number' ? body.errorCode : undefined;
  const message = typeof body.message === 'string' ? body.message.slice(0, 200) : '';
  const text = `Smartsheet ${what} answered ${res.status}${code !== undefined ? ` (errorCode ${code})` : ''}${message ? `: ${message}` : ''}`;
  if (res.status === 429 || code === RATE_LIMIT_ERROR_CODE) {
    const retryAfter = Number(res.headers['retry-after']);
    const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 15 * 60_000) : 60_000;
    return new ProviderError('rate_limited', text, res.status, waitMs);
  }
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

/** Smartsheet ids are 64-bit integers in JSON numbers; every one seen fits in a double (< 2^53). */
export function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return value;
  return null;
}

/** A row as `GET /sheets/{sheetId}/rows/{rowId}` returns it (https://developers.smartsheet.com/api/smartsheet/openapi/rows). */
export interface SmartsheetRow {
  id: number;
  sheetId?: number;
  rowNumber?: number;
  version?: number;
  createdAt?: string;
  modifiedAt?: string;
  cells?: unknown[];
  [field: string]: unknown;
}
