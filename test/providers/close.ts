// A fake Close over real HTTP: what the integration uses — `GET /api/v1/me/`, `POST /api/v1/webhook/`
// ({url, events: [{object_type, action}]} → the subscription with its `signature_key`, 64 hex characters),
// `GET /api/v1/webhook/{id}/` (status active/paused), `DELETE /api/v1/webhook/{id}/` (404 when unknown) —
// behind HTTP Basic auth with the API key as user name and an empty password; errors answer `{"error": …}`,
// a 429 `{"error": {"message", "rate_reset"}}`. And Close's side of webhooks: the body
// `{subscription_id, event}` POSTed with `close-sig-timestamp` (Unix seconds) and `close-sig-hash` = hex
// HMAC-SHA256 keyed with the hex-decoded signature_key over timestamp + body — computed here with node:crypto,
// independently of the SDK's signer.
//
// Close's OAuth side (https://developer.close.com/api/overview/oauth-authentication): `POST /oauth2/token/`,
// form-encoded, client_id and client_secret in the body, `authorization_code` (a code the test issued) and
// `refresh_token` grants, answering `{access_token, token_type, expires_in, refresh_token, scope, user_id,
// organization_id}`; the API then also takes `Authorization: Bearer <access token>`.
//
// Docs followed: https://developer.close.com/api/resources/webhooks, https://developer.close.com/api/overview/rate-limits,
// https://developer.close.com/api/overview/authentication-with-api-keys
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface CloseHook {
  id: string;
  url: string;
  events: Array<{ object_type: string; action: string }>;
  status: 'active' | 'paused';
  signature_key: string;
  date_created: string;
}

export interface FakeClose {
  apiBaseUrl: string;
  tokenUrl: string;
  authorizationUrl: string;
  apiKey: string;
  userId: string;
  organizationId: string;
  hooks: Map<string, CloseHook>;
  deletedHooks: CloseHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  clientId: string;
  clientSecret: string;
  /** Authorization codes the token endpoint accepts: code → the redirect_uri its authorization carried. */
  codes: Map<string, { redirectUri: string }>;
  /** OAuth access tokens the API accepts as Bearer. */
  validTokens: Set<string>;
  tokenRequests: Array<Record<string, string>>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Close's signature headers for a body. */
  sign(signatureKey: string, body: string, timestamp: number): Record<string, string>;
  /** POST `{subscription_id, event}` to the hook's URL, signed with its key (or `key`), at `timestamp` (default now). */
  deliver(id: string, payload: { event: unknown }, opts?: { key?: string; timestamp?: number; headers?: Record<string, string> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

export async function startFakeClose(): Promise<FakeClose> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let seq = 1;
  const state = {
    apiKey: 'api_4qnRGvP0k1ydmYGkSP6Cz1.1cJQtqUJb7cOXmvCz4CaJ0',
    userId: 'user_VnGzL4LQa1P3wDCeK5bvgVxRALQgvOL1jvxD8rrRtGg',
    organizationId: 'orga_XbVPx5fFbKlYTz9PW5Ih1XDhViV10YihIaEgMEb6fVW',
    hooks: new Map<string, CloseHook>(),
    deletedHooks: [] as CloseHook[],
    requests: [] as FakeClose['requests'],
    clientId: 'oa2client_6xgYc4pKbLQG1fDkvtFz7Y',
    clientSecret: 'close-client-secret-1',
    codes: new Map<string, { redirectUri: string }>(),
    validTokens: new Set<string>(),
    tokenRequests: [] as Array<Record<string, string>>,
  };
  let tokenSeq = 1;
  const refreshTokens = new Set<string>();
  const issue = (res: ServerResponse) => {
    const access = `close-access-${tokenSeq}`;
    const refresh = `close-refresh-${tokenSeq++}`;
    state.validTokens.add(access);
    refreshTokens.add(refresh);
    return json(res, 200, {
      access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, scope: 'all.full_access offline_access',
      user_id: state.userId, organization_id: state.organizationId,
    });
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const view = (h: CloseHook) => ({ id: h.id, url: h.url, events: h.events, status: h.status, date_created: h.date_created });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      if (req.method === 'POST' && url.pathname === '/oauth2/token/') {
        state.tokenRequests.push(body);
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return json(res, 400, { error: 'invalid_request' });
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret) return json(res, 401, { error: 'invalid_client' });
        if (body.grant_type === 'authorization_code') {
          const grant = state.codes.get(body.code ?? '');
          if (!grant || (body.redirect_uri !== undefined && body.redirect_uri !== grant.redirectUri)) return json(res, 400, { error: 'invalid_grant' });
          state.codes.delete(body.code);
          return issue(res);
        }
        if (body.grant_type === 'refresh_token') return refreshTokens.delete(body.refresh_token ?? '') ? issue(res) : json(res, 400, { error: 'invalid_grant' });
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const byKey = req.headers.authorization === `Basic ${Buffer.from(`${state.apiKey}:`).toString('base64')}`;
      if (!byKey && !(bearer !== undefined && state.validTokens.has(bearer))) {
        return json(res, 401, { error: 'The API key is invalid or has been revoked.' });
      }
      if (req.method === 'GET' && url.pathname === '/api/v1/me/') {
        return json(res, 200, { id: state.userId, email: 'joe@kline.example', first_name: 'Joe', last_name: 'Kemp', organizations: [{ id: 'orga_OtherOrgOfTheSameUser000000000000000000000', name: 'Side project' }, { id: state.organizationId, name: 'KLine' }] });
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/webhook/') {
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return json(res, 400, { errors: [], 'field-errors': { url: 'Enter a valid URL.' } });
        if (!Array.isArray(body.events) || body.events.length === 0 || !body.events.every((e: any) => typeof e?.object_type === 'string' && typeof e?.action === 'string')) {
          return json(res, 400, { errors: [], 'field-errors': { events: 'This field is required.' } });
        }
        const hook: CloseHook = {
          id: `whsub_${String(seq++).padStart(4, '0')}${randomBytes(6).toString('hex')}`, url: body.url, events: body.events, status: 'active',
          signature_key: randomBytes(32).toString('hex'), date_created: new Date().toISOString(),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 200, { ...view(hook), signature_key: hook.signature_key });
      }
      const one = /^\/api\/v1\/webhook\/([^/]+)\/$/.exec(url.pathname);
      if (one) {
        const hook = state.hooks.get(decodeURIComponent(one[1]!));
        if (!hook) return json(res, 404, { error: 'Empty query: WebhookSubscription matching query does not exist.' });
        if (req.method === 'GET') return json(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, {});
        }
      }
      return json(res, 404, { error: 'Not found.' });
    })().catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (signatureKey: string, body: string, timestamp: number) => ({
    'close-sig-timestamp': String(timestamp),
    'close-sig-hash': createHmac('sha256', Buffer.from(signatureKey, 'hex')).update(String(timestamp)).update(body).digest('hex'),
  });

  return Object.assign(state, {
    apiBaseUrl: `${base}/api/v1`,
    tokenUrl: `${base}/oauth2/token/`,
    authorizationUrl: `${base}/oauth2/authorize/`,
    failNext(count: number, status: number, body: unknown = { error: 'Internal server error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, payload: { event: unknown }, o: { key?: string; timestamp?: number; headers?: Record<string, string> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake close: no webhook ${id}`);
      const body = JSON.stringify({ ...payload, subscription_id: hook.id });
      const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
      const res = await request(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sign(o.key ?? hook.signature_key, body, ts), ...o.headers },
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
