// A fake Pipedrive over real HTTP, serving both the OAuth server and one company's API domain (its base URL is
// the `api_domain` it hands out): what the integration uses — `GET /api/v1/users/me`, `POST /api/v1/webhooks`
// (validation of subscription_url/event_action/event_object/version, the 40-webhooks-per-user limit),
// `GET /api/v1/webhooks` (the user's webhooks, `is_active` 1/0), `DELETE /api/v1/webhooks/{id}` (404 when
// unknown), and the OAuth token endpoint with HTTP Basic client auth whose answers carry `api_domain` — and
// Pipedrive's side of webhooks: v2 bodies `{meta, data, previous}` POSTed with the webhook's
// `http_auth_user`/`http_auth_password` as `Authorization: Basic base64(user:password)` (Pipedrive signs
// nothing), a retry being the same body with `meta.attempt` increased. Errors answer `{success: false, error}`.
//
// Docs followed: https://pipedrive.readme.io/docs/guide-for-webhooks-v2,
// https://developers.pipedrive.com/docs/api/v1/Webhooks, https://pipedrive.readme.io/docs/marketplace-oauth-authorization,
// https://developers.pipedrive.com/changelog/post/new-parameter-in-oauth-oauthtoken-responses
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface PipedriveHook {
  id: number;
  company_id: number;
  owner_id: number;
  user_id: number;
  event_action: string;
  event_object: string;
  subscription_url: string;
  is_active: 0 | 1;
  add_time: string;
  type: 'general';
  http_auth_user: string | null;
  http_auth_password: string | null;
  name: string | null;
  version: string;
}

export interface FakePipedrive {
  /** The company's API domain (what `api_domain` says) and the OAuth host at once. */
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  companyId: number;
  userId: number;
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  hooks: Map<number, PipedriveHook>;
  deletedHooks: PipedriveHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /**
   * POST a v2 webhook body to a webhook's URL as Pipedrive does: Basic auth from the webhook's http_auth
   * credentials (or `auth` to forge one, `null` for none), `meta.webhook_id` and `meta.attempt` filled in.
   */
  deliver(id: number, body: any, opts?: { attempt?: number; auth?: string | null }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startFakePipedrive(): Promise<FakePipedrive> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 4321;
  const state = {
    clientId: 'a1b2c3d4e5f6a7b8',
    clientSecret: 'pipedrive-client-secret',
    companyId: 12882925,
    userId: 18487521,
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    hooks: new Map<number, PipedriveHook>(),
    deletedHooks: [] as PipedriveHook[],
    requests: [] as FakePipedrive['requests'],
  };
  let base = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, error: string, error_info?: string) =>
    json(res, status, { success: false, error, ...(error_info ? { error_info } : {}), data: null });
  /** The webhook as the API shows it: the password is never echoed back. */
  const view = (h: PipedriveHook) => ({ ...h, http_auth_password: h.http_auth_password ? '******' : null });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });

      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const basic = `Basic ${Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return json(res, 401, { success: false, message: 'Invalid client credentials' });
        if (body.grant_type !== 'refresh_token' || !state.refreshTokens.delete(body.refresh_token)) {
          return json(res, 400, { success: false, message: 'Invalid grant: refresh token is invalid' });
        }
        const accessToken = `${state.companyId}:${state.userId}:${randomBytes(20).toString('hex')}`;
        const refreshToken = `${state.companyId}:${state.userId}:${randomBytes(20).toString('hex')}`;
        state.validTokens.add(accessToken);
        state.refreshTokens.add(refreshToken);
        return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3599, refresh_token: refreshToken, scope: 'base,deals:read,webhooks:full', api_domain: base });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return fail(res, 401, 'unauthorized access');

      if (req.method === 'GET' && url.pathname === '/api/v1/users/me') {
        return json(res, 200, { success: true, data: { id: state.userId, name: 'Jane Seller', email: 'jane@acme.example', company_id: state.companyId, company_domain: 'acme', is_admin: 1 } });
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/webhooks') {
        if (typeof body.subscription_url !== 'string' || !/^https?:\/\//.test(body.subscription_url)) return fail(res, 400, 'Validation failed: subscription_url: Invalid URL');
        if (!['create', 'change', 'delete', '*'].includes(body.event_action)) return fail(res, 400, 'Validation failed: event_action: Invalid value');
        if (!['activity', 'deal', 'lead', 'note', 'organization', 'person', 'pipeline', 'product', 'stage', 'user', '*'].includes(body.event_object)) return fail(res, 400, 'Validation failed: event_object: Invalid value');
        if (body.version !== undefined && body.version !== '1.0' && body.version !== '2.0') return fail(res, 400, 'Validation failed: version: Invalid value');
        if ([...state.hooks.values()].filter((h) => h.user_id === state.userId).length >= 40) return fail(res, 400, 'Webhooks limit reached');
        const hook: PipedriveHook = {
          id: nextId++, company_id: state.companyId, owner_id: state.userId, user_id: state.userId, event_action: body.event_action, event_object: body.event_object,
          subscription_url: body.subscription_url, is_active: 1, add_time: new Date().toISOString(), type: 'general',
          http_auth_user: body.http_auth_user ?? null, http_auth_password: body.http_auth_password ?? null, name: body.name ?? null, version: body.version ?? '2.0',
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { success: true, data: view(hook) });
      }
      if (req.method === 'GET' && url.pathname === '/api/v1/webhooks') {
        return json(res, 200, { success: true, data: [...state.hooks.values()].filter((h) => h.user_id === state.userId).map(view) });
      }
      const one = /^\/api\/v1\/webhooks\/(\d+)$/.exec(url.pathname);
      if (req.method === 'DELETE' && one) {
        const hook = state.hooks.get(Number(one[1]));
        if (!hook) return fail(res, 404, 'Webhook not found');
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        return json(res, 200, { success: true, data: { id: hook.id } });
      }
      return fail(res, 404, 'Unknown method .');
    })().catch((err: unknown) => json(res, 500, { success: false, error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakePipedrive = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/oauth/token`,
    failNext(count: number, status: number, body: unknown = { success: false, error: 'Internal server error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: number, payload: any, o: { attempt?: number; auth?: string | null } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake pipedrive: no webhook ${id}`);
      if (hook.is_active === 0) throw new Error(`fake pipedrive: webhook ${id} is inactive; Pipedrive sends nothing to it`);
      const body = JSON.stringify({ ...payload, meta: { ...payload.meta, webhook_id: String(hook.id), attempt: o.attempt ?? 1 } });
      const basic = hook.http_auth_user !== null ? `Basic ${Buffer.from(`${hook.http_auth_user}:${hook.http_auth_password ?? ''}`).toString('base64')}` : undefined;
      const auth = o.auth === undefined ? basic : o.auth ?? undefined;
      const res = await request(hook.subscription_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Pipedrive Webhooks', ...(auth ? { authorization: auth } : {}) },
        body,
      });
      await res.body.text();
      return { status: res.statusCode, body };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
