// ClickUp API v2 calls the triggers make, and ClickUp's error shapes.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/** Every answer we read a failure from: `{err, ECODE}` (https://developer.clickup.com/docs/common_errors). */
interface ClickUpErrorBody {
  err?: unknown;
  ECODE?: unknown;
}

/**
 * "Team not authorized": the Workspace was not authorized by the user for this access token
 * (https://developer.clickup.com/docs/common_errors: OAUTH_023, OAUTH_026, OAUTH_027, OAUTH_029 to OAUTH_045).
 * The token itself is fine — only that Workspace is out of its reach — so it is a refusal of the subscription's
 * `teamId`, not a broken credential.
 */
export function isTeamNotAuthorized(ecode: unknown): boolean {
  if (typeof ecode !== 'string') return false;
  const m = /^OAUTH_(\d{3})$/.exec(ecode);
  if (!m) return false;
  const n = Number(m[1]);
  return n === 23 || n === 26 || n === 27 || (n >= 29 && n <= 45);
}

/** Status codes our calls on a Workspace read themselves (so a Workspace refusal on 401 does not look like a dead token). */
export const CLICKUP_HANDLED_STATUSES = [400, 401, 403, 404, 429];
/** For calls that name no Workspace: a 401 there is the token's, left to the engine (refresh, else reconnect). */
const NO_TEAM_STATUSES = [400, 403, 404, 429];

/**
 * A ClickUp failure as a ProviderError. ClickUp answers `{err, ECODE}`; 429 carries `X-RateLimit-Reset`, the
 * Unix time (seconds) the window resets (https://developer.clickup.com/docs/rate-limits). A "Team not
 * authorized" code is permanent whatever its status (the user must reconnect and tick that Workspace); any
 * other 401 means the token was revoked or is unknown ("Token not found", OAUTH_019/021/025/077).
 */
export function clickupError(res: HttpResponse<unknown>, now: number, teamId?: string): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as ClickUpErrorBody;
  const err = typeof body.err === 'string' ? body.err.slice(0, 200) : '';
  const ecode = typeof body.ECODE === 'string' ? body.ECODE.slice(0, 40) : '';
  const text = `ClickUp ${res.status}${err ? `: ${err}` : ''}${ecode ? ` (${ecode})` : ''}`;
  if (isTeamNotAuthorized(ecode)) {
    return new ProviderError(
      'permanent',
      `${text}: the connected account has not authorized ClickUp Workspace ${teamId ?? '(teamId)'} for this app; choose another teamId, or reconnect and select that Workspace`,
      res.status,
    );
  }
  if (res.status === 429) {
    const reset = Number(res.headers['x-ratelimit-reset']);
    const waitMs = Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000 - now) : 60_000;
    return new ProviderError('rate_limited', text, 429, Math.min(waitMs, 15 * 60_000));
  }
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

/**
 * `clickupError`, for calls whose 401 may be a Workspace refusal. When it is not one (a revoked or unknown token),
 * `GET /user` — which names no Workspace — is called without allowing 401, so the engine sees a plain 401 and
 * treats the credential as it does for every provider (a refresh is tried; ClickUp issues no refresh token, so
 * the credential is marked for reconnecting and its subscriptions ERRORED). That call's error is thrown; if it
 * unexpectedly succeeds, the original error is returned.
 */
export async function clickupFailure(http: HttpClient, res: HttpResponse<unknown>, now: number, teamId?: string): Promise<ProviderError> {
  const error = clickupError(res, now, teamId);
  if (error.kind === 'auth') await http.request({ path: '/user' });
  return error;
}

export interface ClickUpUser {
  id: number | string;
  username?: string;
  email?: string;
}

export interface ClickUpTeam {
  id: string;
  name?: string;
}

/** `GET /user`: the user who authorized the token (https://developer.clickup.com/reference/getauthorizeduser). */
export async function authorizedUser(http: HttpClient, now: number): Promise<ClickUpUser> {
  const res = await http.request<{ user?: ClickUpUser } | null>({ path: '/user', allowStatus: NO_TEAM_STATUSES });
  if (res.status >= 400) throw clickupError(res, now);
  const user = res.body?.user;
  if (!user || (typeof user.id !== 'number' && typeof user.id !== 'string')) {
    throw new ProviderError('permanent', 'ClickUp GET /user answered without a user id');
  }
  return user;
}

/**
 * `GET /team`: the Workspaces ("teams" in API v2) the token may reach — for an OAuth token, the ones the user
 * ticked when authorizing the app (https://developer.clickup.com/reference/getauthorizedteams).
 */
export async function authorizedTeams(http: HttpClient, now: number): Promise<ClickUpTeam[]> {
  const res = await http.request<{ teams?: Array<{ id?: unknown; name?: unknown }> } | null>({ path: '/team', allowStatus: NO_TEAM_STATUSES });
  if (res.status >= 400) throw clickupError(res, now);
  const teams = res.body?.teams;
  if (!Array.isArray(teams)) throw new ProviderError('permanent', 'ClickUp GET /team answered without teams');
  return teams
    .filter((t) => typeof t?.id === 'string' || typeof t?.id === 'number')
    .map((t) => ({ id: String(t.id), ...(typeof t.name === 'string' ? { name: t.name } : {}) }));
}

/**
 * The Workspace a subscription watches: its `teamId` parameter, or — when omitted — the only Workspace the
 * connection authorizes. Several authorized Workspaces and no `teamId` is a refusal naming the parameter.
 */
export async function resolveTeamId(http: HttpClient, teamId: string | undefined, now: number): Promise<string> {
  if (teamId) return teamId;
  const teams = await authorizedTeams(http, now);
  if (teams.length === 1) return teams[0]!.id;
  if (teams.length === 0) throw new ProviderError('permanent', 'teamId: the connected ClickUp account has authorized no Workspace for this app; reconnect and select one');
  throw new ProviderError(
    'permanent',
    `teamId: the connected ClickUp account authorizes ${teams.length} Workspaces (${teams.map((t) => t.id).join(', ')}); set the teamId parameter to one of them`,
  );
}
