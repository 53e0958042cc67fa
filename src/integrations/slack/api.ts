// Slack Web API calls. Slack answers most failures with HTTP 200 and `{"ok": false, "error": "…"}`, so the
// generic HTTP client cannot classify them; this maps Slack's error strings to ProviderError kinds.
// https://api.slack.com/web#responses, https://docs.slack.dev/apis/web-api/rate-limits (HTTP 429 + Retry-After,
// classified by the HTTP client itself).
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Errors meaning the token no longer works: the account must be reconnected (or the token refreshed). */
const AUTH_ERRORS = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'org_login_required',
  'ekm_access_denied',
  'missing_scope',
  'not_allowed_token_type',
]);

const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export interface SlackOk {
  ok: true;
  [key: string]: unknown;
}

/** An answer meaning the token itself no longer works, which a refresh may cure (rotating tokens expire in 12 h). */
export function slackTokenRefused(res: HttpResponse<unknown>): boolean {
  const body = res.body as { ok?: unknown; error?: unknown } | null;
  return body !== null && typeof body === 'object' && body.ok === false && (body.error === 'token_expired' || body.error === 'invalid_auth');
}

export function slackError(method: string, error: string, status = 200): ProviderError {
  const message = `Slack ${method} failed: ${error}`;
  if (AUTH_ERRORS.has(error)) return new ProviderError('auth', message, status);
  if (error === 'ratelimited') return new ProviderError('rate_limited', message, 429);
  if (TRANSIENT_ERRORS.has(error)) return new ProviderError('transient', message, status);
  return new ProviderError('permanent', message, status);
}

/** Calls `https://slack.com/api/<method>` (POST, form-encoded arguments) and returns the `ok` body. */
export async function slackCall<T extends SlackOk = SlackOk>(http: HttpClient, method: string, args: Record<string, string> = {}): Promise<T> {
  const res = await http.request<Record<string, unknown>>({ method: 'POST', path: `/${method}`, form: args });
  const body = res.body;
  if (body === null || typeof body !== 'object') throw new ProviderError('transient', `Slack ${method} answered without a JSON body`, res.status);
  if (body.ok !== true) throw slackError(method, typeof body.error === 'string' ? body.error : 'unknown_error', res.status);
  return body as T;
}

export interface AuthTest extends SlackOk {
  url?: string;
  team?: string;
  user?: string;
  team_id?: string;
  user_id?: string;
  bot_id?: string;
  enterprise_id?: string;
  is_enterprise_install?: boolean;
}

/** The account an oauth.v2.access response names: `team.id`, or `enterprise.id` for an org-wide install. */
export function accountFromTokenResponse(response: Record<string, unknown> | undefined): string | undefined {
  if (!response) return undefined;
  const idOf = (v: unknown) => (v !== null && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : undefined);
  if (response.is_enterprise_install === true) return idOf(response.enterprise);
  return idOf(response.team);
}

/**
 * Which workspace a token belongs to. The oauth.v2.access response names it (`team.id`; `enterprise.id`
 * for an org-wide Enterprise Grid install, because events then name the org in
 * `authorizations[].enterprise_id`); auth.test (https://api.slack.com/methods/auth.test) confirms the token
 * works, fills in the workspace details, and names the account when no token response is at hand.
 */
export async function slackAccount(http: HttpClient, tokenResponse?: Record<string, unknown>): Promise<{ providerAccountId: string; extra: Record<string, unknown> }> {
  const r = await slackCall<AuthTest>(http, 'auth.test');
  const enterpriseInstall = r.is_enterprise_install === true && typeof r.enterprise_id === 'string' && r.enterprise_id !== '';
  const id = accountFromTokenResponse(tokenResponse) ?? (enterpriseInstall ? r.enterprise_id : r.team_id);
  if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Slack auth.test answered without a team_id');
  const extra: Record<string, unknown> = {};
  if (r.team_id) extra.teamId = r.team_id;
  if (r.team) extra.teamName = r.team;
  if (r.url) extra.teamUrl = r.url;
  if (r.user_id) extra.userId = r.user_id;
  if (r.bot_id) extra.botId = r.bot_id;
  if (r.enterprise_id) extra.enterpriseId = r.enterprise_id;
  if (enterpriseInstall) extra.isEnterpriseInstall = true;
  return { providerAccountId: id, extra };
}
