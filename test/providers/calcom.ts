// A fake Cal.com API v2 over real HTTP: what the integration uses — `GET /v2/me`, `POST /v2/webhooks` and
// `POST /v2/event-types/{eventTypeId}/webhooks` ({subscriberUrl, triggers, active, secret?, payloadTemplate?} → 201
// `{status: "success", data: {id, subscriberUrl, triggers, active, payloadTemplate, secret}}`), `GET` and `DELETE`
// of `…/webhooks/{id}` (404 when unknown or another event type's) — behind `Authorization: Bearer <cal_live_ key>`;
// errors answer `{status: "error", error: {code, message}}` — or `Authorization: Bearer <OAuth access token>` issued
// by its token endpoint (`POST /v2/auth/oauth2/token`, JSON or form: authorization_code with client_id,
// client_secret, code, redirect_uri, or refresh_token; answers `{access_token, refresh_token, token_type: "bearer",
// expires_in: 1800, scope}`; a spent code or refresh token → 400 `{error: "invalid_grant"}`, a wrong client → 401
// `{error: "invalid_client"}`). Tokens carry their scopes: `/v2/me` needs PROFILE_READ, reading webhooks
// EVENT_TYPE_READ, creating or deleting them EVENT_TYPE_WRITE (403 otherwise). And Cal.com's side of webhooks: the body
// `{triggerEvent, createdAt, payload}` POSTed with `X-Cal-Signature-256` = hex HMAC-SHA256 of the body keyed with
// the webhook's secret ("no-secret-provided" without one), computed here with node:crypto, independently of the
// SDK's signer.
//
// Docs followed: https://cal.com/docs/api-reference/v2/webhooks/create-a-webhook, https://cal.com/docs/api-reference/v2/oauth,
// https://cal.com/docs/developing/guides/automation/webhooks
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface CalcomHook {
  id: string;
  subscriberUrl: string;
  triggers: string[];
  active: boolean;
  secret: string | null;
  payloadTemplate: string | null;
  eventTypeId: number | null;
}

export interface FakeCalcom {
  apiBaseUrl: string;
  apiKey: string;
  userId: number;
  /** Event types of the key's user. */
  eventTypeIds: number[];
  hooks: Map<string, CalcomHook>;
  deletedHooks: CalcomHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  /** The OAuth client; `tokenUrl` is the fake's token endpoint. */
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** authorization code → the access token it grants and the scopes the user granted. */
  codes: Map<string, { token: string; scopes: string[] }>;
  /** Access tokens accepted now → their scopes (expire one with `delete`). */
  tokens: Map<string, Set<string>>;
  tokenRequests: Array<Record<string, string>>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string): string;
  /** POST the body to the hook's URL, signed with its secret (or `secret`), as Cal.com does. */
  deliver(id: string, body: unknown, opts?: { secret?: string; headers?: Record<string, string> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

export async function startFakeCalcom(): Promise<FakeCalcom> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    apiKey: 'cal_live_3f0c2b7a9d1e4f6a8b5c0d2e7f9a1b3c',
    userId: 42,
    eventTypeIds: [7, 8],
    hooks: new Map<string, CalcomHook>(),
    deletedHooks: [] as CalcomHook[],
    requests: [] as FakeCalcom['requests'],
    clientId: 'cal-oauth-client',
    clientSecret: 'cal-oauth-secret',
    codes: new Map<string, { token: string; scopes: string[] }>(),
    tokens: new Map<string, Set<string>>(),
    tokenRequests: [] as Array<Record<string, string>>,
  };
  let nextRefresh = 1;
  const refreshTokens = new Map<string, { token: string; scopes: string[] }>();
  const issue = (token: string, scopes: string[]) => {
    state.tokens.set(token, new Set(scopes));
    const refreshToken = `cal-refresh-${nextRefresh++}`;
    refreshTokens.set(refreshToken, { token, scopes });
    return { access_token: token, refresh_token: refreshToken, token_type: 'bearer', expires_in: 1800, scope: scopes.join(' ') };
  };
  /** The scope a token needs for this call (null: none of ours). */
  const scopeFor = (method: string, path: string): string | null => {
    if (path === '/v2/me') return 'PROFILE_READ';
    if (/\/webhooks(\/|$)/.test(path)) return method === 'GET' ? 'EVENT_TYPE_READ' : 'EVENT_TYPE_WRITE';
    return null;
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { status: 'error', timestamp: new Date().toISOString(), path: '', error: { code, message } });
  const view = (h: CalcomHook) => ({ id: h.id, subscriberUrl: h.subscriberUrl, triggers: h.triggers, active: h.active, payloadTemplate: h.payloadTemplate, ...(h.eventTypeId ? { eventTypeId: h.eventTypeId } : { userId: state.userId }) });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PATCH' ? await readJsonOrFormBody(req) : {};
      if (req.method === 'POST' && url.pathname === '/v2/auth/oauth2/token') {
        const form = Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        state.tokenRequests.push(form);
        if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret) return json(res, 401, { error: 'invalid_client', error_description: 'invalid_client_credentials' });
        if (form.grant_type === 'authorization_code') {
          const grant = state.codes.get(form.code ?? '');
          if (!grant || !form.redirect_uri) return json(res, 400, { error: 'invalid_grant', error_description: 'code_invalid_or_expired' });
          state.codes.delete(form.code!);
          return json(res, 200, issue(grant.token, grant.scopes));
        }
        if (form.grant_type === 'refresh_token') {
          const grant = refreshTokens.get(form.refresh_token ?? '');
          if (!grant) return json(res, 400, { error: 'invalid_grant', error_description: 'invalid_refresh_token' });
          refreshTokens.delete(form.refresh_token!);
          state.tokens.delete(grant.token);
          return json(res, 200, issue(`${grant.token}-r${nextRefresh}`, grant.scopes));
        }
        return json(res, 400, { error: 'invalid_request', error_description: "grant_type must be 'authorization_code' or 'refresh_token'" });
      }
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const scopes = state.tokens.get(bearer);
      if (bearer !== state.apiKey && !scopes) return error(res, 401, 'UnauthorizedException', 'Invalid Access Token.');
      const needed = scopeFor(req.method ?? 'GET', url.pathname);
      if (scopes && needed && !scopes.has(needed)) return error(res, 403, 'ForbiddenException', `Insufficient scopes: ${needed} required`);
      if (req.method === 'GET' && url.pathname === '/v2/me') {
        return json(res, 200, { status: 'success', data: { id: state.userId, username: 'pro', email: 'pro@example.com', timeZone: 'Asia/Kolkata' } });
      }
      const m = /^\/v2(?:\/event-types\/(\d+))?\/webhooks(?:\/([^/]+))?$/.exec(url.pathname);
      if (!m) return error(res, 404, 'NotFoundException', `Cannot ${req.method} ${url.pathname}`);
      const eventTypeId = m[1] ? Number(m[1]) : null;
      if (eventTypeId !== null && !state.eventTypeIds.includes(eventTypeId)) return error(res, 404, 'NotFoundException', `Event type with id ${eventTypeId} not found`);
      if (!m[2] && req.method === 'POST') {
        if (typeof body.subscriberUrl !== 'string' || !/^https?:\/\//.test(body.subscriberUrl)) return error(res, 400, 'BadRequestException', 'subscriberUrl must be a string');
        if (typeof body.active !== 'boolean') return error(res, 400, 'BadRequestException', 'active must be a boolean value');
        if (!Array.isArray(body.triggers) || !body.triggers.every((t: unknown) => typeof t === 'string' && /^[A-Z_]+$/.test(t))) {
          return error(res, 400, 'BadRequestException', 'each value in triggers must be a valid enum value');
        }
        const hook: CalcomHook = {
          id: randomUUID(), subscriberUrl: body.subscriberUrl, triggers: body.triggers, active: body.active,
          secret: typeof body.secret === 'string' ? body.secret : null, payloadTemplate: typeof body.payloadTemplate === 'string' ? body.payloadTemplate : null, eventTypeId,
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { status: 'success', data: { ...view(hook), secret: hook.secret } });
      }
      if (m[2]) {
        const hook = state.hooks.get(decodeURIComponent(m[2]));
        if (!hook || hook.eventTypeId !== eventTypeId) return error(res, 404, 'NotFoundException', `Webhook (${m[2]}) not found`);
        if (req.method === 'GET') return json(res, 200, { status: 'success', data: view(hook) });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { status: 'success', data: view(hook) });
        }
      }
      return error(res, 404, 'NotFoundException', `Cannot ${req.method} ${url.pathname}`);
    })().catch((err: unknown) => error(res, 500, 'InternalServerErrorException', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

  return Object.assign(state, {
    apiBaseUrl: `${base}/v2`,
    tokenUrl: `${base}/v2/auth/oauth2/token`,
    failNext(count: number, status: number, body: unknown = { status: 'error', error: { code: 'InternalServerErrorException', message: 'Internal server error' } }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, payload: unknown, o: { secret?: string; headers?: Record<string, string> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake cal.com: no webhook ${id}`);
      const body = JSON.stringify(payload);
      const secret = o.secret ?? hook.secret;
      const res = await request(hook.subscriberUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cal-signature-256': secret ? sign(secret, body) : 'no-secret-provided', ...o.headers },
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
