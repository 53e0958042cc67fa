// Mailchimp Marketing API 3.0 calls the triggers make, the account's data-center host they go to, and
// Mailchimp's error shape.
//
// Host: Mailchimp has no single API host. After the OAuth token exchange, `GET https://login.mailchimp.com/oauth2/metadata`
// (header `Authorization: OAuth <token>`) names the account's data center (`dc`) and its `api_endpoint`, e.g.
// https://us6.api.mailchimp.com; API calls go to `${api_endpoint}/3.0/...`
// (https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/). It is saved as credential extra
// at connect time, like Salesforce's instance_url and Pipedrive's api_domain.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';


/** The account's API origin (e.g. https://us6.api.mailchimp.com), saved from the metadata answer at connect time. */
export function apiEndpoint(extra: Record<string, unknown>): string {
  const raw = extra.api_endpoint;
  if (typeof raw !== 'string' || raw === '') {
    throw new ProviderError('permanent', 'the Mailchimp credential has no api_endpoint; reconnect the account');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProviderError('permanent', 'the Mailchimp credential has an invalid api_endpoint; reconnect the account');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
    throw new ProviderError('permanent', 'the Mailchimp credential has an invalid api_endpoint; reconnect the account');
  }
  return url.origin;
}

/** `${api_endpoint}/3.0${path}`. */
export function v3(extra: Record<string, unknown>, path: string): string {
  return `${apiEndpoint(extra)}/3.0${path}`;
}

interface ProblemDocument {
  title?: string;
  detail?: string;
  status?: number;
}

/**
 * Mailchimp answers errors as a problem document `{type, title, status, detail, instance}`
 * (https://mailchimp.com/developer/marketing/docs/errors/). Only statuses the caller allowed reach here (the
 * HTTP client already classifies 401 → auth, 429 → rate_limited, 5xx → transient).
 */
export function mailchimpError(res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as ProblemDocument;
  const text = `Mailchimp ${res.status}${body.title ? `: ${body.title}` : ''}${body.detail ? ` (${body.detail})` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) return new ProviderError('rate_limited', text, 429, 60_000);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

export interface MailchimpMetadata {
  dc?: string;
  accountname?: string;
  user_id?: number;
  api_endpoint?: string;
  login?: { login_id?: number; login_name?: string; login_email?: string };
}

/**
 * `GET https://login.mailchimp.com/oauth2/metadata` with `Authorization: OAuth <token>` (the scheme Mailchimp's
 * OAuth guide shows for this endpoint; the request's header replaces the client's Bearer one). The path is
 * relative to the integration's apiBaseUrl, which is https://login.mailchimp.com: every other call is absolute,
 * on the account's api_endpoint.
 */
export async function metadata(http: HttpClient, accessToken: string): Promise<MailchimpMetadata> {
  const res = await http.request<MailchimpMetadata>({ path: '/oauth2/metadata', headers: { authorization: `OAuth ${accessToken}` }, allowStatus: [400, 403, 404] });
  if (res.status >= 400) throw mailchimpError(res);
  const body = res.body;
  if (!body || typeof body.api_endpoint !== 'string' || (typeof body.user_id !== 'number' && typeof body.user_id !== 'string')) {
    throw new ProviderError('permanent', 'Mailchimp /oauth2/metadata answered without api_endpoint and user_id');
  }
  return body;
}
