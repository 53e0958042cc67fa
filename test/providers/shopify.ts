// A fake Shopify store over real HTTP: its GraphQL Admin API at `/admin/api/{version}/graphql.json`, authenticated
// with `X-Shopify-Access-Token` (401 `{"errors": "[API] Invalid API key or access token …"}` otherwise), serving what
// the integration uses — `webhookSubscriptionCreate(topic, webhookSubscription: {uri, format})` (userErrors for an
// unknown topic, a non-absolute URI or a second subscription of one topic to one URI), `webhookSubscriptionDelete(id)`
// (userErrors for an unknown id) and the `webhookSubscription(id)` query (null when unknown) — plus scripted failures:
// an HTTP status with Retry-After, or GraphQL's THROTTLED answer (HTTP 200, `errors[].extensions.code`, the bucket in
// `extensions.cost`). And Shopify's side of webhooks: deliveries are POSTed with the REST resource as JSON body and
// X-Shopify-Topic, X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body, keyed with the app's client secret,
// signed with the SDK's signRequest), X-Shopify-Shop-Domain, X-Shopify-API-Version, X-Shopify-Webhook-Id (new per
// delivery), X-Shopify-Event-Id (the same for a retry) and X-Shopify-Triggered-At. A retry is the original body again.
//
// Docs followed: https://shopify.dev/docs/api/admin-graphql/latest/mutations/webhookSubscriptionCreate,
// https://shopify.dev/docs/api/admin-graphql/2024-04/mutations/webhookSubscriptionDelete,
// https://shopify.dev/docs/apps/build/webhooks/delivery-structure, https://shopify.dev/apps/build/webhooks/ignore-duplicates,
// https://shopify.dev/changelog/updates-to-webhook-retry-mechanism, https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
// The real Shopify also requires an HTTPS `uri`; the fake accepts http so that it can call the test service.
//
// Each store has its own host (`https://{shop}.myshopify.com`); the fake serves its one store under the path prefix
// `/{shop}` instead (`storeUrl`), so a project configured with `${url}/{shop}` shows the engine filled in the right
// store, and any other store's prefix answers 404. It also plays the store's OAuth token endpoint
// (`POST /{shop}/admin/oauth/access_token` with client_id, client_secret and code →
// `{access_token, scope}`; https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant)
// and answers the `shop { myshopifyDomain name }` query.
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { SHOPIFY_API_VERSION } from '../../src/integrations/shopify/api.js';
import { SHOPIFY_SIGNATURE } from '../../src/integrations/shopify/webhooks.js';
import { signRequest } from '../../src/sdk/index.js';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface ShopifyHookSubscription {
  id: string;
  topic: string;
  uri: string;
  format: string;
  apiVersion: string;
}

export interface FakeShopify {
  /** The fake's origin; the store is under `/{shop}`. */
  url: string;
  /** The store's own "host": `${url}/${label}` (what `https://{shop}.myshopify.com` is for a real store). */
  storeUrl: string;
  /** The store's permanent domain, as Shopify names it in headers. */
  shop: string;
  /** Its myshopify.com name (the account parameter `shop`). */
  label: string;
  /** Authorization codes the token endpoint accepts once, each for the access token it gives. */
  codes: Map<string, string>;
  tokenRequests: Array<Record<string, unknown>>;
  /** The app's client id (its token endpoint checks it). */
  clientId: string;
  /** The app's client secret: Shopify signs every webhook of the app with it. */
  clientSecret: string;
  validTokens: Set<string>;
  hooks: Map<string, ShopifyHookSubscription>;
  deletedHooks: ShopifyHookSubscription[];
  requests: Array<{ method: string; path: string; token: string | undefined; operation: string; variables: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Answer the next GraphQL call as Shopify does when the cost bucket is empty. */
  throttleNext(): void;
  /**
   * POST a webhook for a subscription as Shopify does, signed with the client secret (or `key`); `eventId` names
   * the event (a retry repeats it), `topic`/`shop` override the headers.
   */
  deliver(id: string, payload: unknown, opts?: { key?: string; eventId?: string; topic?: string; shop?: string }): Promise<{ status: number; body: string; eventId: string }>;
  close(): Promise<void>;
}

const TOPICS = ['ORDERS_CREATE', 'ORDERS_PAID', 'ORDERS_FULFILLED', 'ORDERS_UPDATED', 'CUSTOMERS_CREATE', 'PRODUCTS_CREATE', 'PRODUCTS_UPDATE', 'APP_UNINSTALLED'];

/** `orders/create` from `ORDERS_CREATE`. */
const topicHeader = (topic: string) => topic.toLowerCase().replace('_', '/');

export async function startFakeShopify(): Promise<FakeShopify> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1047897672;
  const state = {
    shop: 'john-apparel.myshopify.com',
    label: 'john-apparel',
    clientId: 'shopify-client-id',
    codes: new Map<string, string>(),
    tokenRequests: [] as Array<Record<string, unknown>>,
    clientSecret: 'shpss_fake_client_secret_0123456789abcdef',
    validTokens: new Set<string>(),
    hooks: new Map<string, ShopifyHookSubscription>(),
    deletedHooks: [] as ShopifyHookSubscription[],
    requests: [] as FakeShopify['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const cost = (requested: number, available: number) => ({
    cost: { requestedQueryCost: requested, actualQueryCost: available >= requested ? requested : null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 } },
  });
  const userError = (field: string[], message: string) => ({ field, message });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      const store = /^\/([a-z0-9-]+)(\/.*)$/.exec(url.pathname);
      if (!store || store[1] !== state.label) return json(res, 404, { errors: 'Not Found' });
      const path = store[2]!;
      if (path === '/admin/oauth/access_token') {
        state.tokenRequests.push(body);
        const token = typeof body.code === 'string' ? state.codes.get(body.code) : undefined;
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret || token === undefined) {
          return json(res, 400, { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' });
        }
        state.codes.delete(body.code as string);
        state.validTokens.add(token);
        return json(res, 200, { access_token: token, scope: 'read_orders,read_customers,read_products' });
      }
      const query = typeof body.query === 'string' ? body.query : '';
      const operation = /\b(webhookSubscriptionCreate|webhookSubscriptionDelete|webhookSubscription|shop)\s*[({]/.exec(query.replace(/^[^{]*\{/, ''))?.[1] ?? '';
      const token = req.headers['x-shopify-access-token'];
      state.requests.push({ method: req.method ?? 'GET', path, token: typeof token === 'string' ? token : undefined, operation, variables: body.variables });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (typeof token !== 'string' || !state.validTokens.has(token)) {
        return json(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
      }
      if (req.method !== 'POST' || path !== `/admin/api/${SHOPIFY_API_VERSION}/graphql.json`) return json(res, 404, { errors: 'Not Found' });
      const v = (body.variables ?? {}) as Record<string, any>;

      if (operation === 'webhookSubscriptionCreate') {
        const input = (v.webhookSubscription ?? {}) as Record<string, unknown>;
        const errors = [];
        if (!TOPICS.includes(String(v.topic))) errors.push(userError(['topic'], 'Topic is invalid'));
        if (typeof input.uri !== 'string' || !/^https?:\/\/[^/]+/.test(input.uri)) errors.push(userError(['webhookSubscription', 'uri'], 'Address is invalid'));
        if ([...state.hooks.values()].some((h) => h.topic === v.topic && h.uri === input.uri)) errors.push(userError(['webhookSubscription', 'uri'], 'Address for this topic has already been taken'));
        if (errors.length) return json(res, 200, { data: { webhookSubscriptionCreate: { webhookSubscription: null, userErrors: errors } }, extensions: cost(10, 1990) });
        const hook: ShopifyHookSubscription = { id: `gid://shopify/WebhookSubscription/${nextId++}`, topic: String(v.topic), uri: input.uri as string, format: typeof input.format === 'string' ? input.format : 'JSON', apiVersion: SHOPIFY_API_VERSION };
        state.hooks.set(hook.id, hook);
        return json(res, 200, { data: { webhookSubscriptionCreate: { webhookSubscription: { id: hook.id, topic: hook.topic, uri: hook.uri }, userErrors: [] } }, extensions: cost(10, 1990) });
      }
      if (operation === 'webhookSubscriptionDelete') {
        const hook = state.hooks.get(String(v.id));
        if (!hook) return json(res, 200, { data: { webhookSubscriptionDelete: { deletedWebhookSubscriptionId: null, userErrors: [userError(['id'], 'Webhook subscription does not exist')] } }, extensions: cost(10, 1990) });
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        return json(res, 200, { data: { webhookSubscriptionDelete: { deletedWebhookSubscriptionId: hook.id, userErrors: [] } }, extensions: cost(10, 1990) });
      }
      if (operation === 'shop') {
        return json(res, 200, { data: { shop: { myshopifyDomain: state.shop, name: 'John Apparel' } }, extensions: cost(1, 1999) });
      }
      if (operation === 'webhookSubscription') {
        const hook = state.hooks.get(String(v.id));
        return json(res, 200, { data: { webhookSubscription: hook ? { id: hook.id, topic: hook.topic, uri: hook.uri } : null }, extensions: cost(1, 1999) });
      }
      return json(res, 200, { errors: [{ message: 'Parse error: unknown operation', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    })().catch((err: unknown) => json(res, 500, { errors: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    storeUrl: `${base}/${state.label}`,
    failNext(count: number, status: number, body: unknown = { errors: 'Internal Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    throttleNext() {
      failures.push({
        status: 200,
        body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: cost(752, 52) },
        headers: {},
      });
    },
    async deliver(id: string, payload: unknown, o: { key?: string; eventId?: string; topic?: string; shop?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake shopify: no webhook subscription ${id}`);
      const body = JSON.stringify(payload);
      const eventId = o.eventId ?? randomUUID();
      const signature = signRequest(SHOPIFY_SIGNATURE, { method: 'POST', url: new URL(hook.uri).pathname, headers: {}, rawBody: Buffer.from(body) }, { secret: o.key ?? state.clientSecret }, Date.now());
      const res = await request(hook.uri, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signature,
          'x-shopify-topic': o.topic ?? topicHeader(hook.topic),
          'x-shopify-shop-domain': o.shop ?? state.shop,
          'x-shopify-api-version': hook.apiVersion,
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-event-id': eventId,
          'x-shopify-triggered-at': new Date().toISOString(),
        },
        body,
      });
      await res.body.text();
      return { status: res.statusCode, body, eventId };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
