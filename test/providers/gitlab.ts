// A fake GitLab over real HTTP: what the integration uses of the REST API v4 — `GET /user`,
// `POST /projects/:id/hooks` (`:id` a numeric id or a URL-encoded full path; 404 for a project the user
// cannot see, 403 below the Maintainer role, 422 for a blocked URL; `push_events` on unless sent false, as
// GitLab defaults it), `GET /projects/:id/hooks/:hook_id` (with `alert_status` / `disabled_until`, never the
// token), `DELETE /projects/:id/hooks/:hook_id` (204, 404 when gone) — the OAuth token endpoint (client
// credentials in the body; a refresh invalidates the old refresh token and issues a new pair), 401 for an
// unknown token, 429 with Retry-After and RateLimit-* headers when scripted — and GitLab's side of webhooks:
// a POST per event with the hook's secret token verbatim in X-Gitlab-Token, X-Gitlab-Event ("Issue Hook"…),
// X-Gitlab-Event-UUID, X-Gitlab-Webhook-UUID, X-Gitlab-Instance and an Idempotency-Key that a retry or a
// "Resend Request" keeps. Only hooks whose switch for the event is on receive it; disabled hooks receive
// nothing, and four failed deliveries in a row disable a hook (4xx: permanently, 5xx: temporarily), as on
// GitLab.com.
//
// Docs followed: https://docs.gitlab.com/api/project_webhooks/, https://docs.gitlab.com/user/project/integrations/webhooks/
// (delivery headers, auto-disabled webhooks), https://docs.gitlab.com/user/project/integrations/webhook_events/,
// https://docs.gitlab.com/api/oauth2/, https://docs.gitlab.com/api/rest/#namespaced-paths
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const GITLAB_EVENT_FLAGS = {
  'Push Hook': 'push_events',
  'Issue Hook': 'issues_events',
  'Merge Request Hook': 'merge_requests_events',
  'Pipeline Hook': 'pipeline_events',
  'Tag Push Hook': 'tag_push_events',
  'Note Hook': 'note_events',
} as const;
export type GitlabEvent = keyof typeof GITLAB_EVENT_FLAGS;
const FLAGS = [...new Set(Object.values(GITLAB_EVENT_FLAGS))];

export interface GitlabProject {
  id: number;
  path: string;
  /** The connected user's role: hooks need Maintainer or Owner. */
  role: 'developer' | 'maintainer' | 'owner';
}

export interface GitlabHook {
  id: number;
  projectId: number;
  url: string;
  token: string | null;
  uuid: string;
  enable_ssl_verification: boolean;
  flags: Record<string, boolean>;
  /** `push_events_branch_filter` (a wildcard pattern; '' = every branch). */
  branchFilter: string;
  alert_status: 'executable' | 'temporarily_disabled' | 'disabled';
  disabled_until: string | null;
  recentFailures: number;
  created_at: string;
}

export interface GitlabDelivery {
  hookId: number;
  event: GitlabEvent;
  body: string;
  idempotencyKey: string;
  headers: Record<string, string>;
  /** Every attempt's answer (0: no connection). */
  responses: number[];
}

export interface FakeGitlab {
  /** The REST API base (what apiBaseUrl points at): `${origin}/api/v4`. */
  url: string;
  origin: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  user: { id: number; username: string };
  projects: GitlabProject[];
  hooks: Map<number, GitlabHook>;
  deletedHooks: GitlabHook[];
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  deliveries: GitlabDelivery[];
  requests: Array<{ method: string; path: string; rawPath: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(retryAfterSeconds: number): void;
  /**
   * Send an event to one hook (it must have the event's switch on, as GitLab only sends those), with a new
   * Idempotency-Key; `token` overrides the secret token sent (forgeries; null sends none).
   */
  deliver(hookId: number, event: GitlabEvent, payload: unknown, opts?: { token?: string | null }): Promise<GitlabDelivery>;
  /** "Resend Request" (or a retry): the same body and Idempotency-Key again, a fresh X-Gitlab-Event-UUID. */
  resend(delivery: GitlabDelivery): Promise<GitlabDelivery>;
  hooksOf(projectId: number): GitlabHook[];
  close(): Promise<void>;
}

export async function startFakeGitlab(): Promise<FakeGitlab> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextHookId = 100;
  const state = {
    clientId: 'a1b2c3d4e5f6gitlabclient',
    clientSecret: 'gloas-fake-client-secret',
    user: { id: 4242, username: 'jsmith' },
    projects: [] as GitlabProject[],
    hooks: new Map<number, GitlabHook>(),
    deletedHooks: [] as GitlabHook[],
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    deliveries: [] as GitlabDelivery[],
    requests: [] as FakeGitlab['requests'],
  };

  const rateHeaders = () => ({ 'ratelimit-limit': '2000', 'ratelimit-remaining': '1999', 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60) });
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...rateHeaders(), ...headers });
    res.end(body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body));
  };
  const hookJson = (h: GitlabHook) => ({
    id: h.id, url: h.url, name: '', description: '', project_id: h.projectId, ...h.flags, push_events_branch_filter: h.branchFilter,
    enable_ssl_verification: h.enable_ssl_verification, alert_status: h.alert_status, disabled_until: h.disabled_until,
    url_variables: [], created_at: h.created_at, custom_headers: [],
  });
  /** `:id` as GitLab resolves it: a numeric id, or a full path (sent URL-encoded, `%2F` for `/`). */
  const findProject = (rawId: string) => {
    const id = decodeURIComponent(rawId);
    return state.projects.find((p) => String(p.id) === id || p.path.toLowerCase() === id.toLowerCase());
  };

  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      const rawPath = (req.url ?? '/').split('?')[0]!;
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, rawPath, auth: req.headers.authorization, body });

      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret) {
          return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.' });
        }
        // A refresh invalidates the old refresh token (and access token) and sends a new pair.
        if (body.grant_type !== 'refresh_token' || !state.refreshTokens.delete(body.refresh_token)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.' });
        }
        const accessToken = randomBytes(32).toString('hex');
        const refreshToken = randomBytes(32).toString('hex');
        state.validTokens.add(accessToken);
        state.refreshTokens.add(refreshToken);
        return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 7200, refresh_token: refreshToken, scope: 'api', created_at: Math.floor(Date.now() / 1000) });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return json(res, 401, { message: '401 Unauthorized' });
      if (!url.pathname.startsWith('/api/v4/')) return json(res, 404, { error: '404 Not Found' });
      // Match on the raw path: a project path must arrive URL-encoded (`group%2Fproject`), as GitLab requires.
      const path = rawPath.slice('/api/v4'.length);

      if (req.method === 'GET' && path === '/user') {
        return json(res, 200, {
          id: state.user.id, username: state.user.username, name: 'John Smith', state: 'active', locked: false,
          avatar_url: 'http://localhost:3000/uploads/user/avatar/1/index.jpg', web_url: `http://localhost:3000/${state.user.username}`,
        });
      }
      const hooks = /^\/projects\/([^/]+)\/hooks$/.exec(path);
      const one = /^\/projects\/([^/]+)\/hooks\/(\d+)$/.exec(path);
      const project = hooks ? findProject(hooks[1]!) : one ? findProject(one[1]!) : undefined;
      if ((hooks || one) && !project) return json(res, 404, { message: '404 Project Not Found' });
      if (project && project.role === 'developer') return json(res, 403, { message: '403 Forbidden' });

      if (req.method === 'POST' && hooks && project) {
        if (typeof body.url !== 'string' || body.url === '') return json(res, 400, { error: 'url is missing' });
        if (!/^https?:\/\//.test(body.url)) return json(res, 422, { message: { url: ['is blocked: Only allowed schemes are http, https'] } });
        const flags = Object.fromEntries(FLAGS.map((f) => [f, f === 'push_events' ? body[f] !== false : body[f] === true]));
        const hook: GitlabHook = {
          id: nextHookId++, projectId: project.id, url: body.url, token: typeof body.token === 'string' ? body.token : null, uuid: randomUUID(),
          enable_ssl_verification: body.enable_ssl_verification !== false, flags,
          branchFilter: typeof body.push_events_branch_filter === 'string' ? body.push_events_branch_filter : '', alert_status: 'executable', disabled_until: null,
          recentFailures: 0, created_at: new Date().toISOString(),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, hookJson(hook));
      }
      if (one && project) {
        const hook = state.hooks.get(Number(one[2]));
        if (!hook || hook.projectId !== project.id) return json(res, 404, { message: '404 Not found' });
        if (req.method === 'GET') return json(res, 200, hookJson(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204, rateHeaders());
          return res.end();
        }
      }
      return json(res, 404, { error: '404 Not Found' });
    })().catch((err: unknown) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const send = async (hook: GitlabHook, delivery: GitlabDelivery, token: string | null | undefined): Promise<GitlabDelivery> => {
    if (hook.alert_status !== 'executable') throw new Error(`fake gitlab: hook ${hook.id} is ${hook.alert_status}; GitLab sends nothing to it`);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'GitLab/18.6.0',
      'x-gitlab-event': delivery.event,
      'x-gitlab-webhook-uuid': hook.uuid,
      'x-gitlab-instance': origin,
      'x-gitlab-event-uuid': randomUUID(),
      'idempotency-key': delivery.idempotencyKey,
    };
    const secret = token === undefined ? hook.token : token;
    if (secret !== null) headers['x-gitlab-token'] = secret;
    let status = 0;
    try {
      const res = await request(hook.url, { method: 'POST', headers, body: delivery.body });
      await res.body.text();
      status = res.statusCode;
    } catch {
      status = 0;
    }
    delivery.headers = headers;
    delivery.responses.push(status);
    // GitLab.com: four failures in a row disable the hook — for good after 4xx, for a while after 5xx/errors.
    if (status >= 200 && status < 300) hook.recentFailures = 0;
    else if (++hook.recentFailures >= 4) {
      hook.alert_status = status >= 400 && status < 500 ? 'disabled' : 'temporarily_disabled';
      hook.disabled_until = hook.alert_status === 'disabled' ? null : new Date(Date.now() + 60_000).toISOString();
    }
    return delivery;
  };

  const fake: FakeGitlab = Object.assign(state, {
    url: `${origin}/api/v4`,
    origin,
    tokenUrl: `${origin}/oauth/token`,
    failNext(count: number, status: number, body: unknown = { message: '500 Internal Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(retryAfterSeconds: number) {
      failures.push({
        status: 429,
        // GitLab answers a rate limit with the plain text "Retry later".
        body: 'Retry later\n',
        headers: { 'content-type': 'text/plain', 'retry-after': String(retryAfterSeconds), 'ratelimit-limit': '2000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + retryAfterSeconds) },
      });
    },
    async deliver(hookId: number, event: GitlabEvent, payload: unknown, opts: { token?: string | null } = {}) {
      const hook = state.hooks.get(hookId);
      if (!hook) throw new Error(`fake gitlab: no hook ${hookId}`);
      if (!hook.flags[GITLAB_EVENT_FLAGS[event]]) throw new Error(`fake gitlab: hook ${hookId} does not subscribe to ${event}`);
      const delivery: GitlabDelivery = { hookId, event, body: JSON.stringify(payload), idempotencyKey: randomUUID(), headers: {}, responses: [] };
      state.deliveries.push(delivery);
      return send(hook, delivery, opts.token);
    },
    async resend(delivery: GitlabDelivery) {
      const hook = state.hooks.get(delivery.hookId);
      if (!hook) throw new Error(`fake gitlab: hook ${delivery.hookId} is gone`);
      return send(hook, delivery, undefined);
    },
    hooksOf: (projectId: number) => [...state.hooks.values()].filter((h) => h.projectId === projectId),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
