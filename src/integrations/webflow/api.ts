// Webflow Data API v2 calls the triggers make, and Webflow's error shape.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/**
 * A Webflow object id (site, webhook, form submission, CMS item): 24 hex digits, the `objectid` format of the
 * v2 OpenAPI description (e.g. `site_id` of Create Webhook,
 * https://developers.webflow.com/data/reference/webhooks/create).
 */
export const WEBFLOW_ID = /^[0-9a-fA-F]{24}$/;

interface WebflowErrorBody {
  code?: string;
  message?: string;
  details?: unknown[];
}

/**
 * Webflow answers errors as `{code, message, externalReference, details}` (e.g. `{"code": "missing_scopes",
 * "message": "OAuthForbidden: You are missing the following scopes - …"}`, see
 * https://developers.webflow.com/data/reference/token/authorized-by). 401, 429 and 5xx are classified by
 * ctx.http before they reach here (Retry-After honoured); this maps what the calls allow through.
 */
export function webflowError(what: string, res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as WebflowErrorBody;
  const text = `Webflow ${res.status} ${what}${body.code ? ` (${body.code})` : ''}${typeof body.message === 'string' ? `: ${body.message.slice(0, 300)}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) return new ProviderError('rate_limited', text, 429);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

/** `GET /token/authorized_by` (scope `authorized_user:read`): the user who authorized the app. */
export async function authorizedUser(http: HttpClient): Promise<{ id: string }> {
  const res = await http.request<{ id?: unknown }>({ path: '/token/authorized_by', allowStatus: [403] });
  if (res.status >= 400) throw webflowError('reading the authorized user', res);
  const id = res.body?.id;
  if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Webflow /token/authorized_by answered without an id');
  return { id };
}
