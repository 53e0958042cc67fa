// Xero Accounting API (https://api.xero.com/api.xro/2.0/…). One OAuth connection can reach several organisations
// (tenants); every call names one with the `xero-tenant-id` header. A credential reads exactly one tenant: its
// provider account id is that tenantId (integration.ts says how it is chosen at connect time).
// Answers are JSON with `Accept: application/json` (the HTTP client sends it); dates are Microsoft JSON dates
// (`"/Date(1573755038314+0000)/"`). Errors come as a validation body (`{ErrorNumber, Type, Message,
// Elements[].ValidationErrors[].Message}`) or a problem body (`{Title, Status, Detail}`).
// Classified here: 401 → auth (the HTTP client refreshes the token once first), 429 → rate_limited with Xero's
// Retry-After (minute, day or concurrent limit: `X-Rate-Limit-Problem`), 5xx → transient (the HTTP client), any
// other → permanent with Xero's message. Tokens never appear in a request path or an error message.
import { ProviderError, type CredentialView, type HttpClient } from '../../sdk/index.js';

const RATE_LIMIT_PAUSE_MS = 60_000;
const MAX_MESSAGE = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string has the shape of a Xero tenantId (a UUID). */
export const isTenantId = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** The credential's tenantId, or a permanent error: without it no call can name an organisation. */
export function tenantOf(credential: CredentialView): string {
  const tenant = credential.providerAccountId;
  if (!isTenantId(tenant)) {
    throw new ProviderError('permanent', 'Xero: the credential names no organisation; set its providerAccountId to the tenantId that GET https://api.xero.com/connections lists');
  }
  return tenant;
}

/** Xero's Microsoft JSON date (`/Date(ms[+hhmm])/`; the milliseconds are UTC) or an ISO string, as epoch ms; NaN otherwise. */
export function xeroDate(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  const m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  if (m) return Number(m[1]);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`) : NaN;
}

interface ValidationBody { Message?: string; Type?: string; Elements?: Array<{ ValidationErrors?: Array<{ Message?: string }> }> }
interface ProblemBody { Title?: string; Detail?: string; title?: string; detail?: string }

/** Xero's error text: a validation body's first messages, or a problem body's title and detail. */
export function xeroMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body !== '' ? body.slice(0, MAX_MESSAGE) : undefined;
  if (!body || typeof body !== 'object') return undefined;
  const v = body as ValidationBody & ProblemBody;
  const validation = (v.Elements ?? []).flatMap((e) => (e?.ValidationErrors ?? []).map((x) => x?.Message)).filter((s): s is string => typeof s === 'string' && s !== '');
  const parts = [v.Message ?? v.Title ?? v.title, ...(validation.length > 0 ? [validation.slice(0, 3).join('; ')] : [v.Detail ?? v.detail])];
  const text = parts.filter((s, i, all): s is string => typeof s === 'string' && s !== '' && all.indexOf(s) === i).join(': ');
  return text === '' ? undefined : text.slice(0, MAX_MESSAGE);
}

export interface XeroGet {
  /** e.g. `Invoices` (under /api.xro/2.0/). */
  resource: string;
  query?: Record<string, string | number>;
  /** Only records modified at or after this instant (the If-Modified-Since header, UTC). */
  modifiedSince?: number;
}

/** GET an Accounting API resource of the credential's tenant; throws a classified ProviderError on failure. */
export async function xeroGet<T>(http: HttpClient, tenant: string, req: XeroGet): Promise<T> {
  const headers: Record<string, string> = { 'xero-tenant-id': tenant };
  if (req.modifiedSince !== undefined) headers['if-modified-since'] = xeroTime(req.modifiedSince);
  const res = await http.request<T | ValidationBody | ProblemBody | string>({
    path: `/api.xro/2.0/${req.resource}`,
    ...(req.query ? { query: req.query } : {}),
    headers,
    allowStatus: [304, 400, 403, 404, 429],
  });
  if (res.status === 304) return {} as T;
  if (res.status < 300) return res.body as T;
  const message = xeroMessage(res.body) ?? `HTTP ${res.status}`;
  if (res.status === 429) {
    const seconds = Number(res.headers['retry-after']);
    const problem = res.headers['x-rate-limit-problem'];
    throw new ProviderError('rate_limited', `Xero rate limit${problem ? ` (${problem})` : ''}: ${message}`, 429, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : RATE_LIMIT_PAUSE_MS);
  }
  // 400: a malformed request (our bug) or a validation error; 403: the tenant is not (or no longer) connected,
  // or the scopes do not allow it; 404: no such resource.
  throw new ProviderError('permanent', `Xero HTTP ${res.status}: ${message}`, res.status);
}

/** An instant as the If-Modified-Since header takes it: ISO 8601 in UTC, to the second. */
export function xeroTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
