// Marketo REST API calls the triggers make, and Marketo's errors.
//
// Host: every Marketo instance has its own REST host, `https://{munchkinId}.mktorest.com` (REST API under /rest,
// identity under /identity; https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/rest-api):
// the integration's apiBaseUrl, filled by the engine from the credential's `munchkinId` account parameter.
//
// Auth: Marketo uses the OAuth 2.0 client credentials grant only (a LaunchPoint custom service's Client ID and
// Secret; tokens live one hour). The engine exchanges them at /identity/oauth/token, keeps the token with the
// credential and sends `Authorization: Bearer`; nothing here handles tokens. Marketo refuses an invalid or expired
// token with HTTP 200 and code 601/602: `tokenRefused` tells the engine, which exchanges again and retries once.
import { ProviderError, type HttpClient, type HttpRequest, type HttpResponse } from '../../sdk/index.js';

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

/** Whether an answer is Marketo's "access token invalid/expired" (601/602 in a 200 body), for `tokenRefused`. */
export function tokenRefused(res: HttpResponse): boolean {
  const body = res.body as MarketoEnvelope<unknown> | null;
  return !!body && typeof body === 'object' && body.success === false && (body.errors ?? []).some((e) => TOKEN_CODES.has(String(e?.code ?? '')));
}

/** A REST GET relative to the instance's apiBaseUrl; a `success: false` answer is thrown as a classified error. */
export async function marketoGet<T>(http: HttpClient, path: string, query: HttpRequest['query'], now: () => number): Promise<MarketoEnvelope<T>> {
  const res = await http.request<MarketoEnvelope<T>>({ path, query });
  const body = res.body && typeof res.body === 'object' ? res.body : {};
  if (body.success === false) throw marketoError(body.errors, now());
  return body;
}
