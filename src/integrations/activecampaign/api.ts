// ActiveCampaign API v3 errors. The API answers 404 with `{"message": "No Result found for …"}` and 422 with
// `{"errors": [{"title", "detail", "code", "source"}]}` (https://developers.activecampaign.com/reference/errors —
// not confirmed beyond examples). Only statuses a caller allowed reach here; the HTTP client already classifies
// 401/403 → auth, 429 → rate_limited, 5xx → transient.
import { ProviderError, providerErrorFor, type HttpResponse } from '../../sdk/index.js';

interface ErrorBody {
  message?: unknown;
  errors?: Array<{ title?: unknown; detail?: unknown }>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A ProviderError that keeps ActiveCampaign's own message (never the request, never the key). */
export function activeCampaignError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as ErrorBody;
  const details = [str(body.message), ...(Array.isArray(body.errors) ? body.errors.map((e) => str(e?.title) ?? str(e?.detail)) : [])].filter((x): x is string => x !== null);
  const text = `ActiveCampaign ${res.status}${details.length ? `: ${details.join('; ').slice(0, 300)}` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: 1_000 });
}
