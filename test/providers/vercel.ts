// A fake Vercel over real HTTP: what the integration uses — `GET /v2/user` ({user: {id, username, …}}),
// `POST /v1/webhooks` ({url, events, projectIds?} → the webhook with the `secret` Vercel generates),
// `GET /v1/webhooks/{id}` and `DELETE /v1/webhooks/{id}` (404 when unknown), each with the optional `teamId`
// query parameter (a webhook belongs to the scope it was created in) — behind `Authorization: Bearer <token>`;
// errors answer `{"error": {code, message}}` (https://vercel.com/docs/rest-api/errors), a 429 with
// `error.limit.{reset, resetMs}`. And Vercel's side of webhooks: the body `{id, type, createdAt, region, payload}`
// POSTed with `x-vercel-signature` = hex HMAC-SHA1 of the raw body keyed with the webhook's secret — computed here
// with node:crypto, independently of the SDK's signer.
//
// Docs followed: https://vercel.com/docs/rest-api/webhooks, https://vercel.com/docs/webhooks/webhooks-api,
// https://vercel.com/docs/webhooks, https://vercel.com/docs/rest-api/user/get-the-user
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface VercelHook {
  id: string;
  url: string;
  events: string[];
  projectIds?: string[];
  /** The scope: a team id, or the user's own account (null). */
  teamId: string | null;
  secret: string;
  createdAt: number;
}

export interface FakeVercel {
  apiBaseUrl: string;
  token: string;
  userId: string;
  teamIds: string[];
  hooks: Map<string, VercelHook>;
  deletedHooks: VercelHook[];
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string): string;
  /** POST an event body to the hook's URL, signed with its secret (or `secret`). */
  deliver(id: string, event: Record<string, unknown>, opts?: { secret?: string; headers?: Record<string, string> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const EVENTS = new Set(['deployment.created', 'deployment.succeeded', 'deployment.error', 'deployment.canceled', 'deployment.promoted', 'project.created', 'project.removed']);

export async function startFakeVercel(): Promise<FakeVercel> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let seq = 1;
  const state = {
    token: `vcp_${randomBytes(18).toString('hex')}`,
    userId: 'uZ1vEg7pLb8qT2xKcN4mR5sW',
    teamIds: ['team_1a2b3c4d5e6f7g8h9i0j'],
    hooks: new Map<string, VercelHook>(),
    deletedHooks: [] as VercelHook[],
    requests: [] as FakeVercel['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) => json(res, status, { error: { code, message } });
  const view = (h: VercelHook) => ({ id: h.id, url: h.url, events: h.events, ownerId: h.teamId ?? state.userId, createdAt: h.createdAt, updatedAt: h.createdAt, ...(h.projectIds ? { projectIds: h.projectIds } : {}) });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(url.searchParams);
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers.authorization !== `Bearer ${state.token}`) {
        return json(res, 403, { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } });
      }
      const teamId = query.teamId ?? null;
      if (teamId !== null && !state.teamIds.includes(teamId)) return error(res, 403, 'forbidden', 'You don\'t have permission to access this team');
      if (req.method === 'GET' && url.pathname === '/v2/user') {
        return json(res, 200, { user: { id: state.userId, email: 'ada@acme.example', name: 'Ada', username: 'ada', defaultTeamId: state.teamIds[0] } });
      }
      if (req.method === 'POST' && url.pathname === '/v1/webhooks') {
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return error(res, 400, 'bad_request', 'Invalid request: `url` should match pattern "^https?://".');
        if (!Array.isArray(body.events) || body.events.length === 0 || !body.events.every((e: unknown) => typeof e === 'string' && EVENTS.has(e))) {
          return error(res, 400, 'bad_request', 'Invalid request: `events` should be an array of known event types.');
        }
        if (body.projectIds !== undefined && (!Array.isArray(body.projectIds) || body.projectIds.some((p: unknown) => typeof p !== 'string'))) {
          return error(res, 400, 'bad_request', 'Invalid request: `projectIds` should be array.');
        }
        const hook: VercelHook = {
          id: `account_hook_${String(seq++).padStart(3, '0')}${randomBytes(6).toString('hex')}`, url: body.url, events: body.events,
          ...(body.projectIds ? { projectIds: body.projectIds } : {}), teamId, secret: randomBytes(12).toString('base64url'), createdAt: Date.now(),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 200, { ...view(hook), secret: hook.secret });
      }
      const one = /^\/v1\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (one) {
        const hook = state.hooks.get(decodeURIComponent(one[1]!));
        if (!hook || hook.teamId !== teamId) return error(res, 404, 'not_found', 'Webhook not found');
        if (req.method === 'GET') return json(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204).end();
          return;
        }
      }
      return error(res, 404, 'not_found', 'The requested URL was not found');
    })().catch((err: unknown) => error(res, 500, 'internal_server_error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, body: string) => createHmac('sha1', secret).update(body).digest('hex');

  return Object.assign(state, {
    apiBaseUrl: base,
    failNext(count: number, status: number, body: unknown = { error: { code: 'internal_server_error', message: 'An unexpected internal error occurred' } }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, event: Record<string, unknown>, o: { secret?: string; headers?: Record<string, string> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake vercel: no webhook ${id}`);
      const body = JSON.stringify(event);
      const res = await request(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-vercel-signature': sign(o.secret ?? hook.secret, body), ...o.headers },
        body,
      });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
