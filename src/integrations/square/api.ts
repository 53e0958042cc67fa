// Square API errors. Every failed answer carries `{"errors": [{category, code, detail?, field?}]}`
// (https://developer.squareup.com/docs/build-basics/handling-errors); the HTTP status matches the first error.
// Messages carry Square's code and detail only, never a token or a webhook signature key.
import { providerErrorFor, type HttpResponse } from '../../sdk/index.js';

/** The API version every call pins (Square-Version header). */
export const SQUARE_VERSION = '2025-10-16';

/** Square documents no Retry-After on 429 RATE_LIMITED ("retry with an exponential backoff"): pause a minute. */
const RATE_LIMIT_PAUSE_MS = 60_000;

interface SquareErrorBody {
  errors?: Array<{ category?: unknown; code?: unknown; detail?: unknown; field?: unknown } | null>;
}

/** `CODE: detail (field)` of each error, joined. */
export function squareErrorText(body: unknown): string | undefined {
  const errors = (body && typeof body === 'object' ? (body as SquareErrorBody).errors : undefined) ?? [];
  if (!Array.isArray(errors)) return undefined;
  const parts = errors.flatMap((e) => {
    if (!e || typeof e !== 'object') return [];
    const code = typeof e.code === 'string' ? e.code : undefined;
    const detail = typeof e.detail === 'string' ? e.detail : undefined;
    const field = typeof e.field === 'string' ? ` (${e.field})` : '';
    const text = [code, detail].filter(Boolean).join(': ');
    return text ? [`${text}${field}`] : [];
  });
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Classify an error answer Square gave to a call that allowed it: 401 auth, 429 rate_limited, 5xx transient, else permanent. */
export function squareError(res: HttpResponse<unknown>, now: number) {
  const detail = squareErrorText(res.body);
  return providerErrorFor(res, `Square ${res.status}${detail ? `: ${detail}` : ''}`, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** Statuses a Square call hands back to us (instead of the HTTP client's generic classification). */
export const SQUARE_ERROR_STATUSES = [400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503, 504];
