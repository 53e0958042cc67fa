// Copper Developer API v1 (https://developer.copper.com/introduction/requests.html): every call carries
// `X-PW-AccessToken` (the API key, sent by the engine as the apiKey header), `X-PW-Application: developer_api`
// (the integration's defaultHeaders) and `X-PW-UserEmail`, the email of the key's owner — per credential, so it
// is kept in the credential's `extra.userEmail` and added to each request by the engine (`credentialHeaders`). Errors answer
// `{"success": false, "status": 422, "message": "…"}`; calls are limited to 180 a minute (rolling window), then 429.
import { ProviderError, providerErrorFor, type CredentialView, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Copper's message (5xx are classified by ctx.http as transient). */
export const COPPER_HANDLED_STATUSES = [400, 401, 403, 404, 409, 422, 429];

/** Copper gives no Retry-After we know of; its window is one rolling minute. */
const RATE_LIMIT_PAUSE_MS = 60_000;

const EMAIL = /^[^\s@]{1,200}@[^\s@]{1,200}$/;

/** The credential's `extra.userEmail` (the API key owner's email), checked. */
export function userEmail(credential: CredentialView): string {
  const value = credential.extra.userEmail;
  if (typeof value !== 'string' || !EMAIL.test(value.trim())) {
    throw new ProviderError('permanent', "extra.userEmail: the Copper credential needs the API key owner's email address (sent as X-PW-UserEmail)");
  }
  return value.trim();
}

/** The per-credential header every Copper call needs besides the key. */
export function copperHeaders(credential: CredentialView): Record<string, string> {
  return { 'x-pw-useremail': userEmail(credential) };
}

/** A Copper failure as a ProviderError, with Copper's own `message` (never the key or a webhook secret). */
export function copperError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = res.body && typeof res.body === 'object' ? (res.body as { message?: unknown }) : {};
  const message = typeof body.message === 'string' && body.message !== '' ? `: ${body.message.slice(0, 300)}` : '';
  return providerErrorFor(res, `Copper ${res.status}${message}`, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

export type CopperRecordType = 'lead' | 'person' | 'company' | 'opportunity';

/** Where each record type is read (`GET /leads/{id}`, `/people/{id}`, `/companies/{id}`, `/opportunities/{id}`). */
export const RECORD_PATHS: Record<CopperRecordType, string> = {
  lead: '/leads',
  person: '/people',
  company: '/companies',
  opportunity: '/opportunities',
};

export type CopperRecord = Record<string, unknown> & { id?: unknown; date_created?: unknown; date_modified?: unknown };

/** One record by id; null when Copper no longer has it (404: deleted since the notification). */
export async function fetchRecord(http: HttpClient, type: CopperRecordType, id: string, now: number): Promise<CopperRecord | null> {
  const res = await http.request<CopperRecord | null>({
    path: `${RECORD_PATHS[type]}/${encodeURIComponent(id)}`,
    allowStatus: COPPER_HANDLED_STATUSES,
  });
  if (res.status === 404) return null;
  if (res.status >= 400) throw copperError(res, now);
  if (!res.body || typeof res.body !== 'object' || Array.isArray(res.body)) throw new ProviderError('transient', `Copper answered GET ${RECORD_PATHS[type]}/{id} without a record`);
  return res.body;
}
