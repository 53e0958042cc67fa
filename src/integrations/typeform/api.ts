// Typeform API calls the triggers make, and Typeform's error shapes.
//
// API hosts: https://api.typeform.com (US accounts) and https://api.eu.typeform.com (accounts with the EU
// Responses Data Center; https://www.typeform.com/developers/get-started/responses-data-center/). The Forms,
// Webhooks and /me APIs answer the same on both; set the integration's apiBaseUrl for EU-only projects.
import { createHash } from 'node:crypto';
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

interface TypeformErrorBody {
  code?: string;
  description?: string;
  message?: string;
  details?: Array<{ code?: string; description?: string; field?: string }>;
}

/**
 * Typeform answers errors as `{code, description, details?}` (e.g. `FORM_NOT_FOUND`). 401 only reaches here
 * when a refresh did not help (the HTTP client refreshes once); 403 is a missing scope or a form the account
 * cannot manage; 404 an unknown form; 429 the per-account rate limit (Retry-After when sent, else a minute).
 */
export function typeformError(res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as TypeformErrorBody;
  const details = (Array.isArray(body.details) ? body.details : [])
    .map((d) => [d.field, d.description ?? d.code].filter(Boolean).join(': '))
    .filter(Boolean);
  const what = body.description ?? body.message;
  const text = `Typeform ${res.status}${body.code ? ` ${body.code}` : ''}${what ? `: ${what}` : ''}${details.length ? ` (${details.join('; ')})` : ''}`;
  if (res.status === 429) {
    const retryAfter = Number(res.headers['retry-after']);
    return new ProviderError('rate_limited', text, 429, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 60_000);
  }
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status >= 500 || res.status === 408) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

export interface TypeformAccount {
  user_id?: string;
  account_id?: string;
  alias?: string;
  email?: string;
  language?: string;
}

/**
 * `GET /me` (scope `accounts:read`). The account's stable id is `user_id`; `account_id` and, last, the email
 * are fallbacks for answers without it (the reference page documents only alias, email and language).
 */
export async function currentAccount(http: HttpClient): Promise<{ providerAccountId: string; extra: Record<string, unknown> }> {
  const res = await http.request<TypeformAccount>({ path: '/me', allowStatus: [403, 429] });
  if (res.status >= 400) throw typeformError(res);
  const me = res.body ?? {};
  const id = [me.user_id, me.account_id, me.email].find((v): v is string => typeof v === 'string' && v !== '');
  if (!id) throw new ProviderError('permanent', 'Typeform GET /me answered without user_id, account_id or email');
  return { providerAccountId: id, extra: { ...(me.alias ? { alias: me.alias } : {}), ...(me.email ? { email: me.email } : {}) } };
}

/** A form id as it appears in the form's URL (`https://mysite.typeform.com/to/u6nXL7` → `u6nXL7`). */
export const FORM_ID = /^[A-Za-z0-9]{1,64}$/;

export function validateFormId(value: unknown): string | null {
  if (typeof value !== 'string' || !FORM_ID.test(value)) {
    return 'must be the form id: the letters and digits after /to/ in the form\'s URL (e.g. u6nXL7 in https://mysite.typeform.com/to/u6nXL7)';
  }
  return null;
}

/**
 * The webhook tag for one trigger subscription: derived from its hook URL (one URL per subscription), so two
 * subscriptions on the same form get two webhooks instead of overwriting each other's (Typeform's PUT is
 * create-or-update by tag), and registering again after a deletion reuses the same tag. Letters, digits and
 * hyphens only, 33 characters: Typeform documents no charset or length for tags, so we stay conservative.
 */
export function webhookTag(hookUrl: string): string {
  return `opentriggers-${createHash('sha256').update(hookUrl).digest('hex').slice(0, 20)}`;
}

const TAG = /^[A-Za-z0-9_-]{1,64}$/;

/** `/forms/{form_id}/webhooks/{tag}`, or null when the stored state is not ours. */
export function webhookPath(formId: unknown, tag: unknown): string | null {
  if (typeof formId !== 'string' || !FORM_ID.test(formId) || typeof tag !== 'string' || !TAG.test(tag)) return null;
  return `/forms/${formId}/webhooks/${tag}`;
}
