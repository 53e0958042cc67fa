// A fake Heroku Platform API over real HTTP: what the integration uses — `GET /account` ({id, email, …}),
// `POST /apps/{app_id_or_name}/webhooks` ({include, level, url, secret?, authorization?} → the webhook
// {id, include, level, url, created_at, updated_at}; the secret is never echoed), `GET` and `DELETE
// /apps/{app}/webhooks/{id}` (404 when unknown) — behind `Authorization: Bearer <token>` (an OAuth token or an API key)
// and `Accept: application/vnd.heroku+json; version=3`; errors answer `{id, message, url}`. An app is found by its
// name or its id. And Heroku's side of app webhooks: the event body POSTed with `Heroku-Webhook-Hmac-SHA256` = base64
// HMAC-SHA256 of the raw body keyed with the webhook's secret (computed here with node:crypto, independently of the
// SDK's signer) and `Heroku-Webhook-Id`.
//
// Docs followed: https://devcenter.heroku.com/articles/app-webhooks, https://devcenter.heroku.com/articles/app-webhooks-schema,
// https://devcenter.heroku.com/articles/webhook-events, https://devcenter.heroku.com/articles/platform-api-reference
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface HerokuHook {
  id: string;
  appId: string;
  include: string[];
  level: string;
  url: string;
  secret: string | null;
  authorization: string | null;
}

export interface FakeHeroku {
  apiBaseUrl: string;
  /** Tokens the fake accepts as Bearer (API keys and OAuth access tokens alike). */
  tokens: Set<string>;
  apiKey: string;
  accountId: string;
  apps: Array<{ id: string; name: string }>;
  hooks: Map<string, HerokuHook>;
  deletedHooks: HerokuHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; accept: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string): string;
  /** POST an event body to the hook's URL, signed with its secret (or `secret`). */
  deliver(id: string, event: Record<string, unknown>, opts?: { secret?: string; headers?: Record<string, string> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const ENTITIES = new Set(['api:addon-attachment', 'api:addon', 'api:app', 'api:build', 'api:collaborator', 'api:domain', 'api:dyno', 'api:formation', 'api:release', 'api:sni-endpoint', 'dyno']);
const ACCEPT = 'application/vnd.heroku+json; version=3';

export async function startFakeHeroku(): Promise<FakeHeroku> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const apiKey = `HRKU-${randomUUID()}`;
  const state = {
    tokens: new Set<string>([apiKey]),
    apiKey,
    accountId: '01234567-89ab-cdef-0123-456789abcdef',
    apps: [{ id: 'd2f24bd2-399a-4868-9467-bc0ba2411cc2', name: 'sample-app-0084' }, { id: '1cf9ea2a-22d7-43e1-83f7-a1aabc3bd39a', name: 'sample-app-0273' }],
    hooks: new Map<string, HerokuHook>(),
    deletedHooks: [] as HerokuHook[],
    requests: [] as FakeHeroku['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'ratelimit-remaining': '4499', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, id: string, message: string) => json(res, status, { id, message, url: 'https://devcenter.heroku.com/articles/platform-api-reference' });
  const view = (h: HerokuHook) => ({ id: h.id, app: { id: h.appId, name: state.apps.find((a) => a.id === h.appId)!.name }, include: h.include, level: h.level, url: h.url, created_at: '2016-10-26T22:48:45Z', updated_at: '2016-10-26T22:48:45Z' });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, accept: req.headers.accept, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers.accept !== ACCEPT) return error(res, 400, 'bad_request', 'Please specify a version along with Heroku\'s API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.');
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !state.tokens.has(auth.slice(7))) return error(res, 401, 'unauthorized', 'Invalid credentials provided.');
      if (req.method === 'GET' && url.pathname === '/account') {
        return json(res, 200, { id: state.accountId, email: 'username@example.com', name: 'Tina Edmonds', verified: true });
      }
      const m = /^\/apps\/([^/]+)\/webhooks(?:\/([^/]+))?$/.exec(url.pathname);
      if (m) {
        const ref = decodeURIComponent(m[1]!);
        const app = state.apps.find((a) => a.id === ref || a.name === ref);
        if (!app) return error(res, 404, 'not_found', `Couldn't find that app.`);
        if (!m[2] && req.method === 'POST') {
          if (!Array.isArray(body.include) || body.include.length === 0 || !body.include.every((e: unknown) => typeof e === 'string' && ENTITIES.has(e))) {
            return error(res, 422, 'invalid_params', 'Include is invalid.');
          }
          if (body.level !== 'notify' && body.level !== 'sync') return error(res, 422, 'invalid_params', 'Level must be one of: notify, sync.');
          if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return error(res, 422, 'invalid_params', 'Url is invalid.');
          const hook: HerokuHook = {
            id: randomUUID(), appId: app.id, include: body.include, level: body.level, url: body.url,
            secret: typeof body.secret === 'string' ? body.secret : null, authorization: typeof body.authorization === 'string' ? body.authorization : null,
          };
          state.hooks.set(hook.id, hook);
          return json(res, 201, view(hook));
        }
        if (m[2]) {
          const hook = state.hooks.get(decodeURIComponent(m[2]));
          if (!hook || hook.appId !== app.id) return error(res, 404, 'not_found', `Couldn't find that webhook.`);
          if (req.method === 'GET') return json(res, 200, view(hook));
          if (req.method === 'DELETE') {
            state.hooks.delete(hook.id);
            state.deletedHooks.push(hook);
            return json(res, 200, view(hook));
          }
        }
      }
      return error(res, 404, 'not_found', 'The requested API endpoint was not found.');
    })().catch((err: unknown) => error(res, 500, 'internal_server_error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

  return Object.assign(state, {
    apiBaseUrl: base,
    failNext(count: number, status: number, body: unknown = { id: 'internal_server_error', message: 'Internal server error.' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, event: Record<string, unknown>, o: { secret?: string; headers?: Record<string, string> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake heroku: no webhook ${id}`);
      const body = JSON.stringify(event);
      const secret = o.secret ?? hook.secret ?? randomBytes(16).toString('hex');
      const res = await request(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'heroku-webhook-hmac-sha256': sign(secret, body),
          'heroku-webhook-id': randomUUID(),
          ...(hook.authorization ? { authorization: hook.authorization } : {}),
          ...o.headers,
        },
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
