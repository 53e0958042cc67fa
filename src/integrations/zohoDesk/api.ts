// Zoho Desk API v1 (https://desk.zoho.com/DeskAPIDocument): the data-centre host, the orgId header, errors.
//
// - Host. Zoho Desk runs one API host per data centre (desk.zoho.com, desk.zoho.eu, desk.zoho.in, desk.zoho.com.au,
//   desk.zoho.jp, …). As for Zoho CRM (src/integrations/zohocrm), the token response names the account's data centre
//   in `api_domain` (https://www.zohoapis.eu, …), saved as credential extra at connect. We never build a host from
//   that string: it only selects one entry of a fixed table of Desk hosts. The US data centre (and a credential
//   without `api_domain`) uses apiBaseUrl, so a project's apiBaseUrl override applies.
// - orgId. Every call except `GET /organizations` must name the help desk with an `orgId` header; it is looked up at
//   connect (`GET /organizations`) and kept in `extra.orgId`, and the engine adds it to every call
//   (`credentialHeaders`).
// - Errors: `{errorCode, message}` (e.g. INVALID_OAUTH, UNAUTHORIZED, URL_NOT_FOUND, THRESHOLD_EXCEEDED).
import { ProviderError, providerErrorFor, type CredentialView, type HttpClient, type HttpResponse } from '../../sdk/index.js';

export const API_PATH = '/api/v1';
/** A 429 without Retry-After: Zoho Desk counts API credits per day and limits concurrent calls. */
export const RATE_LIMIT_PAUSE_MS = 60_000;

/** The Zoho accounts API domain of each data centre → its Desk host (null: the integration's apiBaseUrl). */
const DESK_HOSTS: Record<string, string | null> = {
  'www.zohoapis.com': null,
  'www.zohoapis.eu': 'desk.zoho.eu',
  'www.zohoapis.in': 'desk.zoho.in',
  'www.zohoapis.com.au': 'desk.zoho.com.au',
  'www.zohoapis.jp': 'desk.zoho.jp',
  'www.zohoapis.com.cn': 'desk.zoho.com.cn',
  'www.zohoapis.ca': 'desk.zohocloud.ca',
  'www.zohoapis.sa': 'desk.zoho.sa',
};

/**
 * The prefix of every API path for this credential: '' (relative to apiBaseUrl) for the US data centre or when the
 * credential has no `api_domain`, else `https://desk.zoho.<dc>/api/v1`. An api_domain outside the table is refused.
 */
export function deskBase(extra: Record<string, unknown>): string {
  const raw = extra.api_domain;
  if (raw === undefined || raw === null || raw === '') return '';
  let host: string | null = null;
  try {
    const url = typeof raw === 'string' ? new URL(raw) : null;
    host = url && url.protocol === 'https:' && url.username === '' && url.password === '' ? url.hostname.toLowerCase() : null;
  } catch {
    host = null;
  }
  if (host === null || !(host in DESK_HOSTS)) {
    throw new ProviderError('permanent', `the Zoho Desk credential's extra.api_domain is not a known Zoho data centre (${Object.keys(DESK_HOSTS).map((h) => `https://${h}`).join(', ')}); reconnect the account`);
  }
  const desk = DESK_HOSTS[host];
  return desk ? `https://${desk}${API_PATH}` : '';
}

const ORG_ID = /^[0-9]{1,30}$/;

/**
 * The `orgId` header every call but `/organizations` needs: none while the credential has no orgId yet (the connect
 * flow's own `GET /organizations` call, made before it is known); every source asks `orgIdOf` first, so a stored
 * credential without one fails naming the field before anything is sent.
 */
export function orgHeader(credential: CredentialView): Record<string, string> {
  return credential.extra.orgId === undefined ? {} : { orgId: orgIdOf(credential) };
}

/** The credential's help desk organization id (the `orgId` header), or a permanent error naming `extra.orgId`. */
export function orgIdOf(credential: CredentialView): string {
  const raw = credential.extra.orgId;
  const id = typeof raw === 'number' ? String(raw) : raw;
  if (typeof id !== 'string' || !ORG_ID.test(id)) {
    throw new ProviderError('permanent', 'the Zoho Desk credential needs extra.orgId (the help desk organization id, digits: Setup → Developer Space → API); reconnect the account or give it in extra');
  }
  return id;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** A ProviderError with Zoho Desk's own errorCode and message. */
export function deskError(res: HttpResponse<unknown>, what: string, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  const code = str(body.errorCode);
  const message = str(body.message);
  const text = `Zoho Desk ${code ?? `HTTP ${res.status}`} ${what}${message ? `: ${message.slice(0, 300)}` : ''}`;
  if (code === 'INVALID_OAUTH') return new ProviderError('auth', text, res.status);
  if (code === 'THRESHOLD_EXCEEDED' || code === 'TOO_MANY_REQUESTS') return providerErrorFor({ ...res, status: 429 }, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** Statuses our calls read themselves, to keep Zoho Desk's own message. */
export const ALLOWED = [400, 403, 404, 405, 422, 429];

export interface DeskOrganization {
  id: string;
  companyName?: string;
  portalName?: string;
}

/**
 * `GET /organizations`: the help desks the token reaches (no orgId header needed). The default one (`isDefault`) or
 * the first is the account.
 */
export async function defaultOrganization(http: HttpClient, base: string, now: number): Promise<DeskOrganization> {
  const res = await http.request<{ data?: Array<Record<string, unknown>> }>({ path: `${base}/organizations`, allowStatus: ALLOWED });
  if (res.status >= 400) throw deskError(res, 'listing the organizations', now);
  const orgs = (res.body?.data ?? []).filter((o) => o && (typeof o.id === 'string' || typeof o.id === 'number'));
  const org = orgs.find((o) => o.isDefault === true) ?? orgs[0];
  const id = org ? String(org.id) : '';
  if (!ORG_ID.test(id)) throw new ProviderError('permanent', 'Zoho Desk answered /organizations without a help desk this user belongs to');
  return { id, ...(str(org!.companyName) ? { companyName: str(org!.companyName)! } : {}), ...(str(org!.portalName) ? { portalName: str(org!.portalName)! } : {}) };
}
