// QuickBooks Online Accounting API v3: every call is `https://quickbooks.api.intuit.com/v3/company/{realmId}/…`,
// the realmId (company id) being the credential's provider account id. Answers are JSON with `Accept:
// application/json` (the HTTP client sends it). Errors carry a `Fault` (`{Fault: {Error: [{Message, Detail,
// code}], type}, time}`; authentication faults come lower-cased as `fault.error[]`). Classified here:
// 401 → auth (the HTTP client refreshes the token once first), 429 → rate_limited (Intuit throttles at 500
// requests a minute and 10 concurrent per realm), 5xx → transient (the HTTP client), any other → permanent
// with Intuit's message. Tokens never appear in a request path or an error message.
import { ProviderError, type CredentialView, type HttpClient } from '../../sdk/index.js';

/** Intuit's current minor version of the v3 API (older ones are retired). */
export const MINOR_VERSION = 75;
/** MAXRESULTS per query page (Intuit's maximum is 1000; a smaller page keeps each answer small). */
export const PAGE_SIZE = 200;
const RATE_LIMIT_PAUSE_MS = 60_000;
const MAX_MESSAGE = 300;

/** The connected company's realmId (digits), or a permanent error: without it no URL can be built. */
export function realmOf(credential: CredentialView): string {
  const realm = credential.providerAccountId;
  if (typeof realm !== 'string' || !/^\d{1,32}$/.test(realm)) {
    throw new ProviderError('permanent', 'QuickBooks: the connected account has no company id (realmId); set the credential\'s providerAccountId to the realmId Intuit returned on the OAuth redirect');
  }
  return realm;
}

interface FaultError { Message?: string; Detail?: string; code?: string; message?: string; detail?: string }
interface FaultBody { Fault?: { Error?: FaultError[]; type?: string }; fault?: { error?: FaultError[]; type?: string } }

/** Intuit's fault text: the first error's message and detail. */
export function faultMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body !== '' ? body.slice(0, MAX_MESSAGE) : undefined;
  const b = body as FaultBody;
  const first = b.Fault?.Error?.[0] ?? b.fault?.error?.[0];
  if (!first) return undefined;
  const message = first.Message ?? first.message;
  const detail = first.Detail ?? first.detail;
  const text = [message, detail && detail !== message ? detail : undefined].filter((s): s is string => typeof s === 'string' && s !== '').join(': ');
  return text === '' ? undefined : text.slice(0, MAX_MESSAGE);
}

/** GET a v3 path of the credential's company; throws a classified ProviderError on failure. */
export async function qboGet<T>(http: HttpClient, realm: string, path: string, query: Record<string, string | number> = {}): Promise<T> {
  const res = await http.request<T | FaultBody | string>({
    path: `/v3/company/${realm}/${path}`,
    query: { ...query, minorversion: MINOR_VERSION },
    allowStatus: [400, 403, 404, 429],
  });
  if (res.status < 300) return res.body as T;
  const message = faultMessage(res.body) ?? `HTTP ${res.status}`;
  if (res.status === 429) {
    const seconds = Number(res.headers['retry-after']);
    throw new ProviderError('rate_limited', `QuickBooks rate limit: ${message}`, 429, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : RATE_LIMIT_PAUSE_MS);
  }
  // 400: a malformed query (our bug) or a validation fault; 403: the company's subscription or the user's
  // role refuses the call; 404: no such company or entity.
  throw new ProviderError('permanent', `QuickBooks HTTP ${res.status}: ${message}`, res.status);
}

export interface QboEntity {
  Id: string;
  SyncToken?: string;
  MetaData?: { CreateTime?: string; LastUpdatedTime?: string };
  [k: string]: unknown;
}

export interface QueryResponse {
  QueryResponse?: Record<string, unknown> & { startPosition?: number; maxResults?: number };
  time?: string;
}

/** The entities of one query answer (`QueryResponse.<Entity>`; absent when nothing matched). */
export function entitiesOf(body: QueryResponse, entity: string): QboEntity[] {
  const list = body?.QueryResponse?.[entity];
  return Array.isArray(list) ? list.filter((e): e is QboEntity => !!e && typeof e === 'object' && typeof (e as QboEntity).Id === 'string') : [];
}

/** An instant as Intuit's query language takes it: ISO 8601 in UTC, to the second (Intuit's precision). */
export function qboTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
