// A fake ClickUp (API v2) over real HTTP: what the integration uses — the OAuth token endpoint
// (`POST /oauth/token` with client_id, client_secret and code, accepted in the query string as ClickUp's reference
// lists them or in a JSON/form body; the access token never expires and there is no refresh token),
// `GET /user`, `GET /team` (the Workspaces the token authorizes), `POST /team/{team_id}/webhook` (endpoint,
// events, optional integer space_id/folder_id/list_id; answers `{id, webhook: {…, health, secret}}` with a
// secret ClickUp chooses), `GET /team/{team_id}/webhook` (the webhooks the token's user created, with
// `health: {status, fail_count}`), `DELETE /webhook/{webhook_id}` — and ClickUp's side of webhooks: deliveries
// signed `X-Signature: <hex HMAC-SHA256(webhook secret, raw body)>` computed with node:crypto exactly as ClickUp
// documents it (ClickUp publishes no signing library), with the health rules of "Webhook health status": a 401
// or 410 answer suspends the webhook at once, other failures count towards 100 and suspension, a success makes
// it active again; a suspended webhook is sent nothing.
//
// Errors are `{err, ECODE}`. A Workspace the token does not authorize answers 401 `Team not authorized`
// (OAUTH_027; ClickUp's page names the codes, not the HTTP status — 401 is what makes the distinction matter); an
// unknown token answers 401 `Token not found` (OAUTH_025). 429 carries X-RateLimit-Limit/Remaining/Reset (Unix
// seconds) when scripted.
//
// Docs followed: https://developer.clickup.com/docs/authentication, https://developer.clickup.com/reference/getaccesstoken,
// https://developer.clickup.com/docs/webhooks, https://developer.clickup.com/docs/webhooksignature,
// https://developer.clickup.com/docs/webhookhealth, https://developer.clickup.com/docs/common_errors,
// https://developer.clickup.com/docs/rate-limits
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const CLICKUP_TASK_EVENTS = [
  'taskCreated', 'taskUpdated', 'taskDeleted', 'taskPriorityUpdated', 'taskStatusUpdated', 'taskAssigneeUpdated', 'taskDueDateUpdated',
  'taskTagUpdated', 'taskMoved', 'taskCommentPosted', 'taskCommentUpdated', 'taskTimeEstimateUpdated', 'taskTimeTrackedUpdated',
];

export interface ClickUpHook {
  id: string;
  userid: number;
  team_id: number;
  endpoint: string;
  client_id: string | null;
  events: string[];
  task_id: string | null;
  list_id: number | null;
  folder_id: number | null;
  space_id: number | null;
  health: { status: 'active' | 'failing' | 'suspended'; fail_count: number };
  secret: string;
}

export interface ClickUpDelivery {
  status: number;
  body: string;
  signature: string;
}

export interface FakeClickUp {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  userId: number;
  /** Workspaces that exist; `authorizedTeams` is what the OAuth user ticked for the app. */
  teams: Array<{ id: string; name: string }>;
  authorizedTeams: Set<string>;
  /** Authorization codes the "browser" got; each is exchanged once. */
  codes: Set<string>;
  validTokens: Set<string>;
  hooks: Map<string, ClickUpHook>;
  deletedHooks: ClickUpHook[];
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined; contentType: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(resetUnixSeconds: number): void;
  /** Send a webhook event as ClickUp does; `secret` overrides the webhook's (a misconfigured key). */
  deliver(webhookId: string, body: unknown, opts?: { secret?: string }): Promise<ClickUpDelivery>;
  close(): Promise<void>;
}

/** hex HMAC-SHA256 of the raw body, keyed with the webhook secret (ClickUp "Webhook signature"). */
export function clickupSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function clickupSecret(): string {
  return [...randomBytes(64)].map((b) => ALNUM[b % ALNUM.length]).join('');
}

export async function startFakeClickUp(opts: { now?: () => number } = {}): Promise<FakeClickUp> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    clientId: 'QVOQP06ZXC6CMGVFKB0ZT7J9Y7APOYGO',
    clientSecret: 'clickup-client-secret',
    userId: 183,
    teams: [{ id: '108', name: 'Acme' }, { id: '2001', name: 'Other Co' }],
    authorizedTeams: new Set(['108']),
    codes: new Set<string>(),
    validTokens: new Set<string>(),
    hooks: new Map<string, ClickUpHook>(),
    deletedHooks: [] as ClickUpHook[],
    requests: [] as FakeClickUp['requests'],
  };

  const rateHeaders = () => ({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': String(Math.floor(now() / 1000) + 60) });
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...rateHeaders(), ...headers });
    res.end(JSON.stringify(body));
  };
  const locationId = (v: unknown) => v === undefined || v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0);

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({
        method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization,
        contentType: req.headers['content-type'], body,
      });

      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const field = (k: string) => url.searchParams.get(k) ?? (typeof body[k] === 'string' ? body[k] : undefined);
        if (field('client_id') !== state.clientId || field('client_secret') !== state.clientSecret) {
          return json(res, 401, { err: 'Client not found', ECODE: 'OAUTH_010' });
        }
        const code = field('code');
        if (!code || !state.codes.delete(code)) return json(res, 401, { err: 'Code not found', ECODE: 'OAUTH_014' });
        const accessToken = `${state.userId}_${randomBytes(20).toString('hex')}`;
        state.validTokens.add(accessToken);
        return json(res, 200, { access_token: accessToken, token_type: 'Bearer' });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      // OAuth tokens come as `Bearer {access_token}`, personal tokens (pk_…) bare.
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : header.startsWith('pk_') ? header : '';
      if (!header) return json(res, 401, { err: 'Authorization header required', ECODE: 'OAUTH_017' });
      if (!token || !state.validTokens.has(token)) return json(res, 401, { err: 'Token not found', ECODE: 'OAUTH_025' });

      if (req.method === 'GET' && url.pathname === '/user') {
        return json(res, 200, { user: { id: state.userId, username: 'John', email: 'john@company.com', color: '#7b68ee', profilePicture: null, initials: 'J', week_start_day: 0, global_font_support: false, timezone: 'Europe/Berlin' } });
      }
      if (req.method === 'GET' && url.pathname === '/team') {
        const teams = state.teams.filter((t) => state.authorizedTeams.has(t.id)).map((t) => ({ ...t, color: '#536cfe', avatar: null, members: [] }));
        return json(res, 200, { teams });
      }
      const teamHooks = /^\/team\/([^/]+)\/webhook$/.exec(url.pathname);
      if (teamHooks) {
        const teamId = teamHooks[1]!;
        if (!state.authorizedTeams.has(teamId)) return json(res, 401, { err: 'Team not authorized', ECODE: 'OAUTH_027' });
        if (req.method === 'GET') {
          const mine = [...state.hooks.values()].filter((h) => String(h.team_id) === teamId && h.userid === state.userId);
          return json(res, 200, { webhooks: mine });
        }
        if (req.method === 'POST') {
          if (typeof body.endpoint !== 'string' || !/^https?:\/\//.test(body.endpoint)) return json(res, 400, { err: 'Endpoint invalid', ECODE: 'WEBHOOK_001' });
          if (!Array.isArray(body.events) || body.events.length === 0 || body.events.some((e: unknown) => !CLICKUP_TASK_EVENTS.includes(String(e)) && e !== '*')) {
            return json(res, 400, { err: 'Events invalid', ECODE: 'WEBHOOK_002' });
          }
          for (const k of ['space_id', 'folder_id', 'list_id']) {
            if (!locationId(body[k])) return json(res, 400, { err: `${k} must be an integer`, ECODE: 'WEBHOOK_003' });
          }
          const id = randomUUID();
          const hook: ClickUpHook = {
            id, userid: state.userId, team_id: Number(teamId), endpoint: body.endpoint, client_id: state.clientId, events: body.events,
            task_id: typeof body.task_id === 'string' ? body.task_id : null, list_id: body.list_id ?? null, folder_id: body.folder_id ?? null,
            space_id: body.space_id ?? null, health: { status: 'active', fail_count: 0 }, secret: clickupSecret(),
          };
          state.hooks.set(id, hook);
          return json(res, 200, { id, webhook: hook });
        }
      }
      const one = /^\/webhook\/([A-Za-z0-9-]+)$/.exec(url.pathname);
      if (one && req.method === 'DELETE') {
        const hook = state.hooks.get(one[1]!);
        if (!hook || hook.userid !== state.userId) return json(res, 404, { err: 'Webhook not found', ECODE: 'WEBHOOK_404' });
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        return json(res, 200, {});
      }
      return json(res, 404, { err: 'Route not found', ECODE: 'APP_001' });
    })().catch((err: unknown) => json(res, 500, { err: String(err), ECODE: 'APP_500' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeClickUp = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/oauth/token`,
    failNext(count: number, status: number, body: unknown = { err: 'Internal Server Error', ECODE: 'APP_500' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(resetUnixSeconds: number) {
      failures.push({
        status: 429,
        body: { err: 'Rate limit reached', ECODE: 'APP_002' },
        headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetUnixSeconds) },
      });
    },
    async deliver(webhookId: string, payload: unknown, o: { secret?: string } = {}) {
      const hook = state.hooks.get(webhookId);
      if (!hook) throw new Error(`fake clickup: no webhook ${webhookId}`);
      if (hook.health.status === 'suspended') throw new Error(`fake clickup: webhook ${webhookId} is suspended; ClickUp sends nothing to it`);
      const body = JSON.stringify(payload);
      const signature = clickupSignature(o.secret ?? hook.secret, body);
      const res = await request(hook.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signature }, body });
      await res.body.text();
      // Webhook health status: success → active (fail_count cleared); 401/410 → suspended at once; else counted.
      if (res.statusCode >= 200 && res.statusCode < 300) hook.health = { status: 'active', fail_count: 0 };
      else if (res.statusCode === 401 || res.statusCode === 410) hook.health = { ...hook.health, status: 'suspended' };
      else {
        const fails = hook.health.fail_count + 1;
        hook.health = { status: fails >= 100 ? 'suspended' : 'failing', fail_count: fails };
      }
      return { status: res.statusCode, body, signature };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
