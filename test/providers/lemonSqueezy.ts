// A fake Lemon Squeezy API (v1, JSON:API) over real HTTP: what the integration uses — `GET /v1/users/me`,
// `POST /v1/webhooks` ({data: {type: "webhooks", attributes: {url, events, secret, test_mode?}, relationships:
// {store: {data: {type: "stores", id}}}}} → 201 Webhook object, the secret never returned), `GET` and `DELETE
// /v1/webhooks/{id}` (404 when unknown) — behind `Authorization: Bearer <key>`, `Accept: application/vnd.api+json`
// and, on POST, `Content-Type: application/vnd.api+json`; errors answer `{errors: [{detail, status, title}]}`.
// And Lemon Squeezy's side of webhooks: `{meta: {event_name}, data}` POSTed with `X-Event-Name` and `X-Signature` =
// hex HMAC-SHA256 of the body keyed with the webhook's secret, computed here with node:crypto, independently of
// the SDK's signer.
//
// Docs followed: https://docs.lemonsqueezy.com/api (requests, auth, errors, rate limit),
// https://docs.lemonsqueezy.com/api/webhooks/create-webhook, https://docs.lemonsqueezy.com/help/webhooks/signing-requests
import { createHmac } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

const JSON_API = 'application/vnd.api+json';
const EVENTS = new Set([
  'order_created', 'order_refunded', 'subscription_created', 'subscription_updated', 'subscription_cancelled', 'subscription_resumed',
  'subscription_expired', 'subscription_paused', 'subscription_unpaused', 'subscription_payment_failed', 'subscription_payment_success',
  'subscription_payment_recovered', 'subscription_payment_refunded', 'license_key_created', 'license_key_updated', 'affiliate_activated',
]);

export interface LemonSqueezyHook {
  id: string;
  storeId: number;
  url: string;
  events: string[];
  secret: string;
}

export interface FakeLemonSqueezy {
  apiBaseUrl: string;
  apiKey: string;
  userId: number;
  /** Stores the key's user owns. */
  storeIds: number[];
  hooks: Map<string, LemonSqueezyHook>;
  deletedHooks: LemonSqueezyHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; accept: string | undefined; contentType: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string): string;
  /** POST the body to the hook's URL, signed with its secret (or `secret`), as Lemon Squeezy does. */
  deliver(id: string, body: { meta: { event_name: string } }, opts?: { secret?: string; headers?: Record<string, string> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

export async function startFakeLemonSqueezy(): Promise<FakeLemonSqueezy> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 100;
  const state = {
    apiKey: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-lemon-squeezy-key',
    userId: 1,
    storeIds: [12345],
    hooks: new Map<string, LemonSqueezyHook>(),
    deletedHooks: [] as LemonSqueezyHook[],
    requests: [] as FakeLemonSqueezy['requests'],
  };
  let base = '';
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': JSON_API, ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, title: string, detail: string) =>
    send(res, status, { jsonapi: { version: '1.0' }, errors: [{ detail, status: String(status), title }] });
  const view = (h: LemonSqueezyHook) => ({
    jsonapi: { version: '1.0' },
    links: { self: `${base}/v1/webhooks/${h.id}` },
    data: {
      type: 'webhooks', id: h.id,
      attributes: { store_id: h.storeId, url: h.url, events: h.events, last_sent_at: null, created_at: '2024-06-07T08:32:47.000000Z', updated_at: '2024-06-07T08:32:47.000000Z', test_mode: false },
      relationships: { store: { links: { related: `${base}/v1/webhooks/${h.id}/store`, self: `${base}/v1/webhooks/${h.id}/relationships/store` } } },
      links: { self: `${base}/v1/webhooks/${h.id}` },
    },
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PATCH' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, accept: req.headers.accept, contentType: req.headers['content-type'], body });
      const failure = failures.shift();
      if (failure) return send(res, failure.status, failure.body, failure.headers);
      if (req.headers.authorization !== `Bearer ${state.apiKey}`) return error(res, 401, 'Unauthorized', 'Unauthenticated.');
      if (!(req.headers.accept ?? '').includes(JSON_API)) return error(res, 406, 'Not Acceptable', `The Accept header must be ${JSON_API}`);
      if (req.method === 'GET' && url.pathname === '/v1/users/me') {
        return send(res, 200, { meta: { test_mode: true }, jsonapi: { version: '1.0' }, data: { type: 'users', id: String(state.userId), attributes: { name: 'John Doe', email: 'johndoe@example.com' } } });
      }
      if (req.method === 'POST' && url.pathname === '/v1/webhooks') {
        if (!(req.headers['content-type'] ?? '').includes(JSON_API)) return error(res, 415, 'Unsupported Media Type', `The Content-Type header must be ${JSON_API}`);
        const data = body?.data;
        const attrs = data?.attributes ?? {};
        const store = data?.relationships?.store?.data;
        if (data?.type !== 'webhooks') return error(res, 422, 'Unprocessable Entity', 'The data.type field must be webhooks.');
        if (typeof attrs.url !== 'string' || !/^https?:\/\//.test(attrs.url)) return error(res, 422, 'Unprocessable Entity', 'The url must be a valid URL.');
        if (!Array.isArray(attrs.events) || attrs.events.length === 0 || !attrs.events.every((e: unknown) => typeof e === 'string' && EVENTS.has(e))) {
          return error(res, 422, 'Unprocessable Entity', 'The selected events is invalid.');
        }
        if (typeof attrs.secret !== 'string' || attrs.secret.length < 6 || attrs.secret.length > 40) return error(res, 422, 'Unprocessable Entity', 'The secret must be between 6 and 40 characters.');
        if (store?.type !== 'stores' || typeof store.id !== 'string') return error(res, 422, 'Unprocessable Entity', 'The store relationship is required.');
        if (!state.storeIds.includes(Number(store.id))) return error(res, 404, 'Not Found', `Store ${store.id} not found.`);
        const hook: LemonSqueezyHook = { id: String(nextId++), storeId: Number(store.id), url: attrs.url, events: attrs.events, secret: attrs.secret };
        state.hooks.set(hook.id, hook);
        return send(res, 201, view(hook));
      }
      const m = /^\/v1\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (m) {
        const hook = state.hooks.get(decodeURIComponent(m[1]!));
        if (!hook) return error(res, 404, 'Not Found', 'The requested resource could not be found.');
        if (req.method === 'GET') return send(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return send(res, 204);
        }
      }
      return error(res, 404, 'Not Found', 'The requested resource could not be found.');
    })().catch((err: unknown) => error(res, 500, 'Internal Server Error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

  return Object.assign(state, {
    apiBaseUrl: `${base}/v1`,
    failNext(count: number, status: number, body: unknown = { errors: [{ detail: 'Server Error', status: String(status), title: 'Internal Server Error' }] }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, payload: { meta: { event_name: string } }, o: { secret?: string; headers?: Record<string, string> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake lemon squeezy: no webhook ${id}`);
      const body = JSON.stringify(payload);
      const res = await request(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-event-name': payload.meta.event_name, 'x-signature': sign(o.secret ?? hook.secret, body), ...o.headers },
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
