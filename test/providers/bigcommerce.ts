// A fake BigCommerce over real HTTP: the store's REST Management API under `/stores/{store_hash}` (any other store
// answers 404), authenticated with `X-Auth-Token` (401 with V3's `{status, title, type}` otherwise), serving what the
// integration uses — Webhooks V3: `POST /v3/hooks` ({scope, destination, is_active, headers} → `{data: hook, meta}`;
// 422 with `errors` for an unknown scope, a destination that is not a URL, a header name over 64 characters or a
// value that is not a string), `GET /v3/hooks/{id}` and `DELETE /v3/hooks/{id}` (404 when unknown); Orders V2
// `GET /v2/orders/{id}` (the bare order; 404 as V2's `[{status, message}]`); Catalog V3 `GET /v3/catalog/products/{id}`
// (`{data, meta}`); Customers V3 `GET /v3/customers?id:in=` (`{data: [...], meta}`); Store Information V2 `GET /v2/store`
// — plus scripted failures (a status, a body, headers such as `X-Rate-Limit-Time-Reset-Ms`). It also plays
// login.bigcommerce.com's token endpoint (`POST /oauth2/token`, form-encoded client_id, client_secret, code,
// grant_type, redirect_uri → `{access_token, scope, user, context: "stores/{hash}"}`).
// And BigCommerce's side of webhooks: the thin callback `{scope, store_id, data, hash, created_at, producer}` POSTed as
// JSON to the hook's destination with the hook's custom `headers` — BigCommerce signs nothing.
//
// Docs followed: https://developer.bigcommerce.com/docs/rest-management/webhooks,
// https://developer.bigcommerce.com/docs/integrations/webhooks, https://developer.bigcommerce.com/docs/integrations/webhooks/events,
// https://developer.bigcommerce.com/docs/integrations/apps/guide/auth, https://developer.bigcommerce.com/docs/start/about/status-codes
// The real BigCommerce requires an HTTPS destination on port 443; the fake accepts http so that it can call the test service.
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface BigCommerceHook {
  id: number;
  client_id: string;
  store_hash: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
  created_at: number;
  updated_at: number;
}

export interface FakeBigCommerce {
  /** The fake's origin. */
  url: string;
  /** The API base with the `{storeHash}` placeholder left for the engine to fill. */
  apiBaseTemplate: string;
  storeHash: string;
  storeId: string;
  clientId: string;
  clientSecret: string;
  validTokens: Set<string>;
  /** Authorization codes the token endpoint accepts once, each for the access token it gives. */
  codes: Map<string, string>;
  tokenRequests: Array<Record<string, unknown>>;
  hooks: Map<number, BigCommerceHook>;
  deletedHooks: BigCommerceHook[];
  orders: Map<number, unknown>;
  products: Map<number, unknown>;
  customers: Map<number, unknown>;
  requests: Array<{ method: string; path: string; query: string; token: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** The callback envelope BigCommerce sends for an event (its `hash` is the SHA-1 of the JSON-encoded payload). */
  callback(scope: string, data: Record<string, unknown>, createdAt?: number): Record<string, unknown>;
  /** POST a callback to the hook's destination with its custom headers (`headers` override or add). */
  deliver(id: number, payload: unknown, opts?: { headers?: Record<string, string | undefined> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const SCOPES = new Set([
  'store/order/*', 'store/order/created', 'store/order/updated', 'store/order/archived', 'store/order/statusUpdated', 'store/order/message/created',
  'store/product/*', 'store/product/created', 'store/product/updated', 'store/product/deleted',
  'store/customer/*', 'store/customer/created', 'store/customer/updated', 'store/customer/deleted',
  'store/app/uninstalled',
]);

export async function startFakeBigCommerce(): Promise<FakeBigCommerce> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 18048287;
  const state = {
    storeHash: 'abc123',
    storeId: '1025646',
    clientId: 'm9r6keqmo7h7f23btnpwernbez1kglkl',
    clientSecret: 'bc-fake-client-secret-0123456789abcdef',
    validTokens: new Set<string>(),
    codes: new Map<string, string>(),
    tokenRequests: [] as Array<Record<string, unknown>>,
    hooks: new Map<number, BigCommerceHook>(),
    deletedHooks: [] as BigCommerceHook[],
    orders: new Map<number, unknown>(),
    products: new Map<number, unknown>(),
    customers: new Map<number, unknown>(),
    requests: [] as FakeBigCommerce['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const v3Error = (res: ServerResponse, status: number, title: string, errors?: Record<string, string>) =>
    json(res, status, { status, title, type: 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes', ...(errors ? { errors } : {}) });
  const now = () => Math.floor(Date.now() / 1000);

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        state.tokenRequests.push(body);
        const token = typeof body.code === 'string' ? state.codes.get(body.code) : undefined;
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret || body.grant_type !== 'authorization_code' || token === undefined) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid grant' });
        }
        state.codes.delete(body.code as string);
        state.validTokens.add(token);
        return json(res, 200, { access_token: token, scope: 'store_v2_orders_read_only store_v2_products_read_only', user: { id: 24654, email: 'merchant@mybigcommerce.com' }, context: `stores/${state.storeHash}` });
      }
      const token = req.headers['x-auth-token'];
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, token: typeof token === 'string' ? token : undefined, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const store = /^\/stores\/([^/]+)(\/.*)$/.exec(url.pathname);
      if (!store || store[1] !== state.storeHash) return v3Error(res, 404, 'Store not found');
      if (typeof token !== 'string' || !state.validTokens.has(token)) return v3Error(res, 401, 'Unauthorized');
      const path = store[2]!;

      if (req.method === 'POST' && path === '/v3/hooks') {
        const errors: Record<string, string> = {};
        if (typeof body.scope !== 'string' || !SCOPES.has(body.scope)) errors.scope = 'scope is not a valid webhook scope';
        if (typeof body.destination !== 'string' || !/^https?:\/\/[^/]+/.test(body.destination)) errors.destination = 'destination must be a valid URL';
        if (body.is_active !== undefined && typeof body.is_active !== 'boolean') errors.is_active = 'is_active must be a boolean';
        const headers = body.headers ?? null;
        if (headers !== null && (typeof headers !== 'object' || Array.isArray(headers))) errors.headers = 'headers must be an object';
        else if (headers) {
          for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
            if (k.length > 64 || typeof v !== 'string') errors.headers = 'header names must be at most 64 characters and values strings';
          }
        }
        if (Object.keys(errors).length) return v3Error(res, 422, 'Input is invalid', errors);
        const hook: BigCommerceHook = {
          id: nextId++, client_id: state.clientId, store_hash: state.storeHash, scope: body.scope, destination: body.destination,
          is_active: body.is_active ?? true, headers: headers as Record<string, string> | null, created_at: now(), updated_at: now(),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 200, { data: hook, meta: {} });
      }
      const one = /^\/v3\/hooks\/([0-9]+)$/.exec(path);
      if (one) {
        const hook = state.hooks.get(Number(one[1]));
        if (!hook) return v3Error(res, 404, 'Webhook not found');
        if (req.method === 'GET') return json(res, 200, { data: hook, meta: {} });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { data: hook, meta: {} });
        }
      }
      if (req.method === 'GET') {
        const order = /^\/v2\/orders\/([0-9]+)$/.exec(path);
        if (order) {
          const o = state.orders.get(Number(order[1]));
          return o ? json(res, 200, o) : json(res, 404, [{ status: 404, message: 'The requested resource was not found.' }]);
        }
        const product = /^\/v3\/catalog\/products\/([0-9]+)$/.exec(path);
        if (product) {
          const p = state.products.get(Number(product[1]));
          return p ? json(res, 200, { data: p, meta: {} }) : v3Error(res, 404, 'The requested product was not found.');
        }
        if (path === '/v3/customers') {
          const ids = (url.searchParams.get('id:in') ?? '').split(',').filter(Boolean).map(Number);
          const data = ids.map((id) => state.customers.get(id)).filter((c) => c !== undefined);
          return json(res, 200, { data, meta: { pagination: { total: data.length, count: data.length, per_page: 50, current_page: 1, total_pages: 1, links: { current: '?page=1&limit=50' } } } });
        }
        if (path === '/v2/store') {
          return json(res, 200, { id: state.storeHash, account_uuid: '7a7f3c1e-0000-4000-8000-000000000000', domain: 'example.mybigcommerce.com', secure_url: 'https://example.mybigcommerce.com', name: 'BigCommerce Example Store' });
        }
      }
      return v3Error(res, 404, 'Not found');
    })().catch((err: unknown) => json(res, 500, { status: 500, title: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    apiBaseTemplate: `${base}/stores/{storeHash}`,
    failNext(count: number, status: number, body: unknown = { status, title: 'Internal Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    callback(scope: string, data: Record<string, unknown>, createdAt = now()) {
      const payload = { scope, store_id: state.storeId, data, created_at: createdAt, producer: `stores/${state.storeHash}` };
      return { ...payload, hash: createHash('sha1').update(JSON.stringify(payload)).digest('hex') };
    },
    async deliver(id: number, payload: unknown, o: { headers?: Record<string, string | undefined> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake bigcommerce: no hook ${id}`);
      const merged: Record<string, string | undefined> = { ...(hook.headers ?? {}), ...o.headers };
      const headers = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
      const res = await request(hook.destination, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
