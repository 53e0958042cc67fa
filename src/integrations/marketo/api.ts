// Marketo REST API calls the triggers make: the instance host, the access token, and Marketo's errors.
//
// Host: every Marketo instance has its own REST host, `https://{munchkinId}.mktorest.com` (REST API under
// /rest, identity under /identity; https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/rest-api).
// The credential's extra holds `munchkinId` (e.g. `123-ABC-456`) or `instanceUrl` (an origin; also how tests
// point calls at the fake).
//
// Auth: Marketo uses the OAuth 2.0 client credentials grant only (a LaunchPoint custom service's Client ID and
// Secret; tokens live one hour). The SDK has no such auth kind, so the credential is an apiKey credential whose
// key is base64("clientId:clientSecret"); the engine sends it as `Authorization: Basic …` (RFC 6749 §2.3.1
// client authentication) on the token request only, and every poll obtains a fresh token: nothing is cached in
// module scope, nothing expires in the credential store. Data calls replace the header with `Bearer <token>`.
import { ProviderError, type HttpClient, type HttpRequest } from '../../sdk/index.js';

const MUNCHKIN = /^[0-9]{3}-[A-Za-z]{3}-[0-9]{3}$/;
const MISSING = 'the Marketo credential has no instance: set extra.munchkinId (e.g. 123-ABC-456, from Admin → Munchkin)';
const INVALID = 'the Marketo credential has an invalid extra.munchkinId/instanceUrl';

/** The instance origin, `https://{munchkinId}.mktorest.com`, from the credential's extra. */
export function instanceBase(extra: Record<string, unknown>): string {
  const munchkin = typeof extra.munchkinId === 'string' ? extra.munchkinId.trim() : '';
  if (munchkin !== '') {
    if (!MUNCHKIN.test(munchkin)) throw new ProviderError('permanent', INVALID);
    return `https://${munchkin.toLowerCase()}.mktorest.com`;
  }
  const raw = typeof extra.instanceUrl === 'string' ? extra.instanceUrl.trim() : '';
  if (raw === '') throw new ProviderError('permanent', MISSING);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProviderError('permanent', INVALID);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') throw new ProviderError('permanent', INVALID);
  return url.origin;
}

interface TokenAnswer {
  access_token?: string;
  error?: string;
  error_description?: string;
}

/** `POST /identity/oauth/token` with grant_type=client_credentials; the engine adds the Basic client auth. */
export async function fetchToken(http: HttpClient, base: string): Promise<string> {
  const res = await http.request<TokenAnswer>({ method: 'POST', path: `${base}/identity/oauth/token`, form: { grant_type: 'client_credentials' }, allowStatus: [400, 401, 403] });
  const body = res.body && typeof res.body === 'object' ? res.body : {};
  if (res.status === 401 || res.status === 403 || body.error === 'invalid_client' || body.error === 'unauthorized') {
    throw new ProviderError('auth', `Marketo refused the client credentials${body.error ? ` (${body.error})` : ''}`, res.status);
  }
  if (res.status >= 400 || typeof body.access_token !== 'string' || body.access_token === '') {
    throw new ProviderError('permanent', `Marketo identity answered ${res.status} without an access token${body.error ? ` (${body.error})` : ''}`, res.status);
  }
  return body.access_token;
}

export interface MarketoError {
  code?: string | number;
  message?: string;
}

export interface MarketoEnvelope<T> {
  requestId?: string;
  success?: boolean;
  result?: T[];
  errors?: MarketoError[];
  nextPageToken?: string;
  moreResult?: boolean;
}

const TOKEN_CODES = new Set(['601', '602']);
/** 604 request timed out, 608 API temporarily unavailable, 611 system error, 713 transient error. */
const TRANSIENT_CODES = new Set(['604', '608', '611', '713']);

/** Milliseconds until Marketo's daily quota resets (midnight US Central; CST, UTC−6, assumed all year). */
export function untilQuotaReset(now: number): number {
  const shifted = now - 6 * 3600_000;
  const nextMidnight = (Math.floor(shifted / 86_400_000) + 1) * 86_400_000;
  return nextMidnight - shifted;
}

/** Marketo answers most errors with HTTP 200 and `success: false`; classify the first error code. */
export function marketoError(errors: MarketoError[] | undefined, now: number): ProviderError {
  const first = (errors ?? [])[0] ?? {};
  const code = String(first.code ?? '');
  const text = `Marketo error ${code || 'unknown'}${first.message ? `: ${first.message}` : ''}`;
  if (TOKEN_CODES.has(code)) return new ProviderError('auth', text);
  if (code === '606' || code === '615') return new ProviderError('rate_limited', text, undefined, 20_000);
  if (code === '607') return new ProviderError('rate_limited', text, undefined, untilQuotaReset(now));
  if (TRANSIENT_CODES.has(code)) return new ProviderError('transient', text);
  return new ProviderError('permanent', text);
}

/** A REST session for one poll: one token, fetched again once when Marketo says it is invalid or expired. */
export class MarketoSession {
  private token: string | null = null;
  constructor(
    private readonly http: HttpClient,
    readonly base: string,
    private readonly now: () => number,
  ) {}

  async get<T>(path: string, query: HttpRequest['query']): Promise<MarketoEnvelope<T>> {
    for (let attempt = 0; ; attempt++) {
      this.token ??= await fetchToken(this.http, this.base);
      const res = await this.http.request<MarketoEnvelope<T>>({ path: `${this.base}${path}`, query, headers: { authorization: `Bearer ${this.token}` } });
      const body = (res.body && typeof res.body === 'object' ? res.body : {});
      if (body.success !== false) return body;
      const err = marketoError(body.errors, this.now());
      if (err.kind === 'auth' && attempt === 0) {
        this.token = null;
        continue;
      }
      throw err;
    }
  }
}
