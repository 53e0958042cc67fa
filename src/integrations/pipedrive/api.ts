// Pipedrive API calls the triggers make, the company API host they go to, and Pipedrive's error shape.
//
// Host: OAuth access tokens work on the company's own domain, which Pipedrive returns as `api_domain` in every
// /oauth/token answer (https://developers.pipedrive.com/changelog/post/new-parameter-in-oauth-oauthtoken-responses,
// "the company_domain can change"). It is saved as credential extra at connect time, like Salesforce's
// instance_url, and every call goes to `${api_domain}/api/v1/...`.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** The company's API origin (e.g. https://acme.pipedrive.com), saved from the token response at connect time. */
export function apiDomain(extra: Record<string, unknown>): string {
  const raw = extra.api_domain;
  if (typeof raw !== 'string' || raw === '') {
    throw new ProviderError('permanent', 'the Pipedrive credential has no api_domain; reconnect the account');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProviderError('permanent', 'the Pipedrive credential has an invalid api_domain; reconnect the account');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
    throw new ProviderError('permanent', 'the Pipedrive credential has an invalid api_domain; reconnect the account');
  }
  return url.origin;
}

/** `${api_domain}/api/v1${path}`: the API v1 base on the company domain. */
export function v1(extra: Record<string, unknown>, path: string): string {
  return `${apiDomain(extra)}/api/v1${path}`;
}

interface PipedriveErrorBody {
  success?: boolean;
  error?: string;
  error_info?: string;
}

/**
 * Pipedrive answers errors as `{success: false, error, error_info?}`. Only statuses the caller allowed reach
 * here (the HTTP client already classifies 401 → auth, 429 → rate_limited, 5xx → transient); 400, 403 (scope
 * or permission; webhooks need `webhooks:full` or `admin`), 404 and 410 are answers retrying will not change.
 */
export function pipedriveError(res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as PipedriveErrorBody;
  const text = `Pipedrive ${res.status}${body.error ? `: ${body.error}` : ''}${body.error_info ? ` (${body.error_info})` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) return new ProviderError('rate_limited', text, 429, 60_000);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

export interface PipedriveUser {
  id: number;
  company_id: number;
  company_domain?: string;
  name?: string;
  email?: string;
}

/** `GET /api/v1/users/me` (scope `base`, always granted): who connected, and in which company. */
export async function currentUser(http: HttpClient, domain: string): Promise<PipedriveUser> {
  const res = await http.request<{ success?: boolean; data?: PipedriveUser }>({ path: `${domain}/api/v1/users/me`, allowStatus: [403] });
  if (res.status >= 400) throw pipedriveError(res);
  const user = res.body?.data;
  if (!user || typeof user.id !== 'number' || typeof user.company_id !== 'number') {
    throw new ProviderError('permanent', 'Pipedrive /users/me answered without id and company_id');
  }
  return user;
}
