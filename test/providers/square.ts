// A fake Square over real HTTP: what the integration and its operator use —
// - OAuth: `POST /oauth2/token` with a JSON body (`authorization_code` with client_id, client_secret, code;
//   `refresh_token` answering the same refresh token), answering `{access_token, token_type: "bearer",
//   expires_at, merchant_id, refresh_token, short_lived}`;
// - `GET /v2/merchants/me` (the seller of the token), requiring `Authorization: Bearer` and `Square-Version`;
// - the Webhook Subscriptions API as documented: owned by the APPLICATION, so only the app's personal access
//   token may call it (an OAuth token gets 403 INSUFFICIENT_SCOPES); `POST /v2/webhooks/subscriptions`
//   `{idempotency_key, subscription: {name, event_types, notification_url, api_version}}` answers the
//   subscription with a Square-chosen `signature_key`; `DELETE /v2/webhooks/subscriptions/{id}`;
// - Square's side of webhooks: `emit()` sends an event of one merchant to EVERY enabled subscription of the app
//   listing its type (each seller's events reach the same URL), body `{merchant_id, type, event_id, created_at,
//   data: {type, id, object}}`, signed `x-square-hmacsha256-signature: base64(HMAC-SHA256(signature_key,
//   notification_url + body))`, with `square-retry-number` on a resend of the same event;
// - errors `{errors: [{category, code, detail}]}`: 401 UNAUTHORIZED, 429 RATE_LIMITED, 5xx.
//
// Docs followed: https://developer.squareup.com/docs/webhooks/webhook-subscriptions-api,
// https://developer.squareup.com/docs/webhooks/step3validate, https://developer.squareup.com/docs/webhooks/step2subscribe,
// https://developer.squareup.com/reference/square/o-auth/obtain-token, https://developer.squareup.com/reference/square/objects/ObtainTokenResponse,
// https://developer.squareup.com/reference/square/merchants/list-merchants, https://developer.squareup.com/docs/build-basics/handling-errors
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface FakeWebhookSubscription {
  id: string;
  name: string;
  enabled: boolean;
  event_types: string[];
  notification_url: string;
  api_version: string;
  signature_key: string;
  created_at: string;
  updated_at: string;
}

export interface FakeSquare {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The application's personal access token (the only token the Webhook Subscriptions API accepts). */
  personalAccessToken: string;
  /** The merchant the next authorization code belongs to. */
  merchantId: string;
  codes: Set<string>;
  /** Access token → merchant id. */
  tokens: Map<string, string>;
  refreshTokens: Map<string, string>;
  subscriptions: FakeWebhookSubscription[];
  requests: Array<{ method: string; path: string; auth: string | undefined; version: string | undefined; body: any }>;
  failNext(count: number, status: number, code?: string, headers?: Record<string, string>): void;
  /**
   * Square publishing an event of `merchantId`: sent to every enabled subscription listing `type`. Returns what
   * each subscription's URL answered, and the body so a test can resend it.
   */
  emit(type: string, merchantId: string, object: { type: string; id: string; object: Record<string, unknown> }, opts?: { eventId?: string; retry?: number; body?: string; key?: string }): Promise<Array<{ status: number; body: string; eventId: string }>>;
  close(): Promise<void>;
}

export function squareSignature(key: string, notificationUrl: string, body: string): string {
  return createHmac('sha256', key).update(notificationUrl + body).digest('base64');
}

export async function startFakeSquare(opts: { now?: () => number } = {}): Promise<FakeSquare> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; code: string; headers: Record<string, string> }> = [];
  const state = {
    clientId: 'sq0idp-fakeapp123',
    clientSecret: `sq0csp-${randomBytes(12).toString('hex')}`,
    personalAccessToken: `EAAApat${randomBytes(12).toString('hex')}`,
    merchantId: 'ML82H4QPKMGXY',
    codes: new Set<string>(),
    tokens: new Map<string, string>(),
    refreshTokens: new Map<string, string>(),
    subscriptions: [] as FakeWebhookSubscription[],
    requests: [] as FakeSquare['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const CATEGORY: Record<number, string> = { 401: 'AUTHENTICATION_ERROR', 403: 'AUTHENTICATION_ERROR', 429: 'RATE_LIMIT_ERROR' };
  const error = (res: ServerResponse, status: number, code: string, detail: string, headers: Record<string, string> = {}) =>
    json(res, status, { errors: [{ category: CATEGORY[status] ?? (status >= 500 ? 'API_ERROR' : 'INVALID_REQUEST_ERROR'), code, detail }] }, headers);
  const issue = (merchantId: string, refreshToken?: string) => {
    const access = `EAAAl${randomBytes(16).toString('hex')}`;
    const refresh = refreshToken ?? `EQAAl${randomBytes(16).toString('hex')}`;
    state.tokens.set(access, merchantId);
    state.refreshTokens.set(refresh, merchantId);
    return { access_token: access, token_type: 'bearer', expires_at: new Date(now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), merchant_id: merchantId, refresh_token: refresh, short_lived: false };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, version: req.headers['square-version'] as string | undefined, body });
      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        if (!(req.headers['content-type'] ?? '').includes('application/json')) return error(res, 400, 'INVALID_CONTENT_TYPE', 'Content-Type must be application/json');
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret) return error(res, 401, 'UNAUTHORIZED', 'Invalid client credentials');
        if (body.grant_type === 'authorization_code') {
          if (!state.codes.delete(body.code)) return error(res, 401, 'UNAUTHORIZED', 'Authorization code is invalid or expired');
          return json(res, 200, issue(state.merchantId));
        }
        if (body.grant_type === 'refresh_token') {
          const merchant = state.refreshTokens.get(body.refresh_token);
          if (!merchant) return error(res, 401, 'UNAUTHORIZED', 'Refresh token is invalid');
          return json(res, 200, issue(merchant, body.refresh_token));
        }
        return error(res, 400, 'INVALID_VALUE', 'grant_type is invalid');
      }
      const failure = failures.shift();
      if (failure) return error(res, failure.status, failure.code, 'Injected failure', failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      const isPat = token === state.personalAccessToken;
      const merchant = token ? state.tokens.get(token) : undefined;
      if (!isPat && !merchant) return error(res, 401, 'UNAUTHORIZED', 'This request could not be authorized.');
      if (req.method === 'GET' && url.pathname === '/v2/merchants/me') {
        const id = merchant ?? 'APPDEVELOPER1';
        return json(res, 200, { merchant: { id, business_name: `Business ${id}`, country: 'US', language_code: 'en-US', currency: 'USD', status: 'ACTIVE', main_location_id: 'L88917AVBK2S5', created_at: '2021-12-10T19:25:52.484Z' } });
      }
      if (url.pathname.startsWith('/v2/webhooks/subscriptions')) {
        // Owned by the application: an OAuth token of a seller may not manage them.
        if (!isPat) return error(res, 403, 'INSUFFICIENT_SCOPES', 'The merchant has not given your application sufficient permissions to do that. The merchant must authorize your application for the following scopes: DEVELOPER_APPLICATION_WEBHOOKS_WRITE');
        if (req.method === 'POST' && url.pathname === '/v2/webhooks/subscriptions') {
          const s = body.subscription ?? {};
          if (typeof s.notification_url !== 'string' || !Array.isArray(s.event_types) || s.event_types.length === 0) return error(res, 400, 'MISSING_REQUIRED_PARAMETER', 'notification_url and event_types are required');
          const at = new Date(now()).toISOString();
          const sub: FakeWebhookSubscription = {
            id: `wbhk_${randomBytes(16).toString('hex')}`, name: String(s.name ?? ''), enabled: true, event_types: s.event_types, notification_url: s.notification_url,
            api_version: String(s.api_version ?? '2025-10-16'), signature_key: randomBytes(16).toString('base64url'), created_at: at, updated_at: at,
          };
          state.subscriptions.push(sub);
          return json(res, 200, { subscription: sub });
        }
        const m = /^\/v2\/webhooks\/subscriptions\/([^/]+)$/.exec(url.pathname);
        if (req.method === 'DELETE' && m) {
          const i = state.subscriptions.findIndex((s) => s.id === m[1]);
          if (i < 0) return error(res, 404, 'NOT_FOUND', 'Subscription not found');
          state.subscriptions.splice(i, 1);
          return json(res, 200, {});
        }
      }
      return error(res, 404, 'NOT_FOUND', 'Resource not found');
    })().catch((err: unknown) => error(res, 500, 'INTERNAL_SERVER_ERROR', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeSquare = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/oauth2/token`,
    failNext(count: number, status: number, code = status === 429 ? 'RATE_LIMITED' : status === 401 ? 'UNAUTHORIZED' : 'INTERNAL_SERVER_ERROR', headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, code, headers }))];
    },
    async emit(type: string, merchantId: string, object: { type: string; id: string; object: Record<string, unknown> }, o: { eventId?: string; retry?: number; body?: string; key?: string } = {}) {
      const eventId = o.eventId ?? randomUUID();
      const body = o.body ?? JSON.stringify({ merchant_id: merchantId, type, event_id: eventId, created_at: new Date(now()).toISOString(), data: object });
      const out: Array<{ status: number; body: string; eventId: string }> = [];
      for (const sub of state.subscriptions.filter((s) => s.enabled && s.event_types.includes(type))) {
        const res = await request(sub.notification_url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json', 'user-agent': 'Square Connect v2', 'square-environment': 'Sandbox',
            'square-initial-delivery-timestamp': new Date(now()).toISOString(),
            ...(o.retry ? { 'square-retry-number': String(o.retry), 'square-retry-reason': 'http_timeout' } : {}),
            'x-square-hmacsha256-signature': squareSignature(o.key ?? sub.signature_key, sub.notification_url, body),
          },
          body,
        });
        await res.body.text();
        out.push({ status: res.statusCode, body, eventId });
      }
      return out;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
