// Close API errors. Close answers `{"error": "…"}` or, for validation, `{"errors": [...], "field-errors": {…}}`;
// a 429 carries `rate_reset` (seconds to wait) — "sleep/pause for the number of seconds specified by the
// `rate_reset` value" (https://developer.close.com/api/overview/rate-limits). Messages carry Close's text only,
// never the API key or a webhook's signature_key.
import { ProviderError, type HttpResponse } from '../../sdk/index.js';

interface CloseErrorBody {
  error?: unknown;
  errors?: unknown;
  'field-errors'?: unknown;
  rate_reset?: unknown;
}

function messageOf(body: CloseErrorBody): string | undefined {
  const err = body.error;
  if (typeof err === 'string' && err !== '') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  const fields = body['field-errors'];
  if (fields && typeof fields === 'object') {
    const parts = Object.entries(fields as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    if (parts.length > 0) return parts.join('; ');
  }
  if (Array.isArray(body.errors) && body.errors.length > 0) return body.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ');
  return undefined;
}

/** Milliseconds to wait after a 429: `rate_reset` (top level or inside `error`), else Retry-After, else 60 s. */
function waitOf(res: HttpResponse<unknown>, body: CloseErrorBody): number {
  const inner = body.error && typeof body.error === 'object' ? (body.error as { rate_reset?: unknown }).rate_reset : undefined;
  for (const v of [body.rate_reset, inner, res.headers['retry-after']]) {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (Number.isFinite(n) && n >= 0) return Math.ceil(n * 1000);
  }
  return 60_000;
}

/** Classify an error answer Close gave to a call that allowed it: 401 auth, 429 rate_limited, 5xx transient, else permanent. */
export function closeError(res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as CloseErrorBody;
  const detail = messageOf(body);
  const text = `Close ${res.status}${detail ? `: ${detail}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) return new ProviderError('rate_limited', text, 429, waitOf(res, body));
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

/** Statuses a Close call hands back to us (instead of the HTTP client's generic classification). */
export const CLOSE_ERROR_STATUSES = [400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503, 504];
