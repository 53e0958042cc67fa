// A fake Kit API v4 over real HTTP: what the integration uses — `GET /v4/account`, `POST /v4/webhook_endpoints`
// ({url, events, name?, description?} → 201 `{webhook_endpoint: {id, url, events, name, description, status,
// secret}}`, the secret generated here and returned only then; events outside the catalog → 422), `GET` (without
// the secret) and `DELETE` (204; 404 when unknown) of `/v4/webhook_endpoints/{id}` — behind `X-Kit-Api-Key`;
// errors answer `{errors: ["…"]}` — or `Authorization: Bearer <token>` issued by its OAuth token endpoint
// (`POST /oauth/token`, form or JSON: authorization_code with client_id, client_secret, code, redirect_uri, or
// refresh_token; answers `{access_token, token_type, expires_in, refresh_token, scope, created_at}`; a spent or
// unknown code or refresh token → 400 `{error: "invalid_grant"}`, a wrong client → 401 `{error: "invalid_client"}`).
// A 429 answers the plain text `Retry later` without Retry-After, as Kit documents. And Kit's side of webhooks: the envelope `{delivery_id, events: [...]}` POSTed
// with `X-Kit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, computed here with node:crypto,
// independently of the SDK's signer.
//
// Docs followed: https://developers.kit.com/api-reference/webhooks/create-a-webhook-endpoint,
// https://developers.kit.com/api-reference/webhooks/delete-a-webhook-endpoint,
// https://developers.kit.com/webhooks/delivery-format, https://developers.kit.com/webhooks/verifying-signatures,
// https://developers.kit.com/api-reference/oauth-refresh-token-flow, https://developers.kit.com/api-reference/rate-limits
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface KitEndpoint {
  id: number;
  url: string;
  events: string[];
  name: string | null;
  description: string | null;
  status: 'enabled' | 'disabled';
  secret: string;
}

const EVENT_TYPES = new Set([
  'subscriber.created', 'subscriber.activated', 'subscriber.unsubscribed', 'subscriber.bounced', 'subscriber.complained',
  'subscriber.subscribed_to_form', 'subscriber.added_to_sequence', 'subscriber.sequence_completed', 'subscriber.tag_added', 'subscriber.tag_removed',
]);

export interface FakeKit {
  apiBaseUrl: string;
  apiKey: string;
  accountId: number;
  endpoints: Map<number, KitEndpoint>;
  deletedEndpoints: KitEndpoint[];
  requests: Array<{ method: string; path: string; apiKey: string | undefined; bearer: string | undefined; body: any }>;
  /** The OAuth app's client; `tokenUrl` is the fake's token endpoint. */
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** authorization code → the access token it grants. */
  codes: Map<string, string>;
  /** Access tokens accepted now (expire one with `delete`). */
  validTokens: Set<string>;
  tokenRequests: Array<Record<string, string>>;
  /** Answer the next n API calls with Kit's 429 (plain text `Retry later`, no Retry-After). */
  rateLimitNext(count: number): void;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, timestamp: number, body: string): string;
  /** POST `{delivery_id, events}` to the endpoint's URL, signed as Kit does (or with `secret`/`timestamp`/`headers`). */
  deliver(id: number, events: unknown[], opts?: { secret?: string; timestamp?: number; headers?: Record<string, string>; deliveryId?: number }): Promise<{ status: number }>;
  close(): Promise<void>;
}

export async function startFakeKit(): Promise<FakeKit> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1200;
  let nextDelivery = 123456;
  let nextRefresh = 1;
  const refreshTokens = new Map<string, string>();
  const state = {
    apiKey: 'kit_5a8f2c1e9b3d4a7f6e0c1b2a3d4e5f60',
    accountId: 31337,
    endpoints: new Map<number, KitEndpoint>(),
    deletedEndpoints: [] as KitEndpoint[],
    requests: [] as FakeKit['requests'],
    clientId: 'kit-app-client',
    clientSecret: 'kit-app-secret',
    codes: new Map<string, string>(),
    validTokens: new Set<string>(),
    tokenRequests: [] as Array<Record<string, string>>,
  };
  const issue = (accessToken: string) => {
    state.validTokens.add(accessToken);
    const refreshToken = `kit-refresh-${nextRefresh++}`;
    refreshTokens.set(refreshToken, accessToken);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: 7200, refresh_token: refreshToken, scope: 'public', created_at: Math.floor(Date.now() / 1000) };
  };
  const json = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    if (body === undefined) {
      res.writeHead(status, headers);
      return res.end();
    }
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string) => json(res, status, { errors: [message] });
  const view = (e: KitEndpoint) => ({ id: e.id, url: e.url, events: e.events, name: e.name, description: e.description, status: e.status });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const form = Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        state.tokenRequests.push(form);
        if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret) return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        if (form.grant_type === 'authorization_code') {
          const token = state.codes.get(form.code ?? '');
          if (!token || !form.redirect_uri) return json(res, 400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid' });
          state.codes.delete(form.code!);
          return json(res, 200, issue(token));
        }
        if (form.grant_type === 'refresh_token') {
          const old = refreshTokens.get(form.refresh_token ?? '');
          if (!old) return json(res, 400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid' });
          refreshTokens.delete(form.refresh_token!);
          state.validTokens.delete(old);
          return json(res, 200, issue(`${old.replace(/-r\d+$/, '')}-r${nextRefresh}`));
        }
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      const apiKey = req.headers['x-kit-api-key'];
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, apiKey: typeof apiKey === 'string' ? apiKey : undefined, bearer, body });
      const failure = failures.shift();
      if (failure) {
        if (typeof failure.body === 'string') {
          res.writeHead(failure.status, { 'content-type': 'text/plain', ...failure.headers });
          return res.end(failure.body);
        }
        return json(res, failure.status, failure.body, failure.headers);
      }
      if (bearer !== undefined) {
        if (apiKey !== undefined || !state.validTokens.has(bearer)) return error(res, 401, 'The access token is invalid');
      } else if (apiKey !== state.apiKey || req.headers.authorization) return error(res, 401, 'The API key is invalid');
      if (req.method === 'GET' && url.pathname === '/v4/account') {
        return json(res, 200, {
          user: { id: 5, email: 'ada@example.com' },
          account: { id: state.accountId, name: 'Ada Newsletter', plan_type: 'creator', primary_email_address: 'ada@example.com', created_at: '2023-02-17T11:43:55Z' },
        });
      }
      if (url.pathname === '/v4/webhook_endpoints' && req.method === 'POST') {
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return error(res, 422, 'Url is not a valid URL');
        if (!Array.isArray(body.events) || body.events.length === 0) return error(res, 422, 'Events can\'t be blank');
        const unknown = body.events.find((e: unknown) => typeof e !== 'string' || !EVENT_TYPES.has(e));
        if (unknown !== undefined) return error(res, 422, `Events ${String(unknown)} is not a subscribable event type`);
        const endpoint: KitEndpoint = {
          id: nextId++, url: body.url, events: body.events, name: typeof body.name === 'string' ? body.name : null,
          description: typeof body.description === 'string' ? body.description : null, status: 'enabled', secret: randomBytes(24).toString('hex'),
        };
        state.endpoints.set(endpoint.id, endpoint);
        return json(res, 201, { webhook_endpoint: { ...view(endpoint), secret: endpoint.secret } });
      }
      const m = /^\/v4\/webhook_endpoints\/([^/]+)$/.exec(url.pathname);
      if (m) {
        const endpoint = state.endpoints.get(Number(m[1]));
        if (!endpoint) return error(res, 404, 'Not Found');
        if (req.method === 'GET') return json(res, 200, { webhook_endpoint: view(endpoint) });
        if (req.method === 'DELETE') {
          state.endpoints.delete(endpoint.id);
          state.deletedEndpoints.push(endpoint);
          return json(res, 204);
        }
      }
      return error(res, 404, 'Not Found');
    })().catch((err: unknown) => error(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, timestamp: number, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

  return Object.assign(state, {
    apiBaseUrl: `${base}/v4`,
    tokenUrl: `${base}/oauth/token`,
    rateLimitNext(count: number) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status: 429, body: 'Retry later', headers: {} }))];
    },
    failNext(count: number, status: number, body: unknown = { errors: ['Internal server error'] }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: number, events: unknown[], o: { secret?: string; timestamp?: number; headers?: Record<string, string>; deliveryId?: number } = {}) {
      const endpoint = state.endpoints.get(id);
      if (!endpoint) throw new Error(`fake kit: no webhook endpoint ${id}`);
      const body = JSON.stringify({ delivery_id: o.deliveryId ?? nextDelivery++, events });
      const t = o.timestamp ?? Math.floor(Date.now() / 1000);
      const res = await request(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kit-signature': `t=${t},v1=${sign(o.secret ?? endpoint.secret, t, body)}`, ...o.headers },
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
