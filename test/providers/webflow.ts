// A fake Webflow Data API v2 over real HTTP: what the integration uses — `GET /v2/token/authorized_by`,
// `POST /v2/sites/{site_id}/webhooks` (`{triggerType, url, filter?}`; 404 for a site the token cannot reach, 400 for
// an unknown triggerType or a bad URL), `GET /v2/webhooks/{webhook_id}` and `DELETE /v2/webhooks/{webhook_id}` (404
// once gone) — with Webflow's error body `{code, message, externalReference, details}`, 401 for an unknown token,
// and 429 with Retry-After when scripted. And Webflow's side of webhooks: deliveries of OAuth-app webhooks carry
// `x-webflow-timestamp` (Unix ms) and `x-webflow-signature` = hex HMAC-SHA256(app client secret,
// `${timestamp}:${body}`), computed here with node:crypto as Webflow documents it; the body is compact JSON.
//
// Docs followed: https://developers.webflow.com/data/reference/webhooks/create,
// https://developers.webflow.com/data/reference/webhooks/get, https://developers.webflow.com/data/reference/webhooks,
// https://developers.webflow.com/docs/verifying-webhook-signatures, https://developers.webflow.com/data/reference/token/authorized-by
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface WebflowHook {
  id: string;
  triggerType: string;
  url: string;
  workspaceId: string;
  siteId: string;
  filter: { name: string } | null;
  lastTriggered: string | null;
  createdOn: string;
}

export interface FakeWebflow {
  url: string;
  /** The API base the integration is configured with (`${url}/v2`). */
  apiBaseUrl: string;
  clientId: string;
  /** The OAuth app's client secret: Webflow signs every webhook of the app with it. */
  clientSecret: string;
  userId: string;
  siteId: string;
  workspaceId: string;
  validTokens: Set<string>;
  hooks: Map<string, WebflowHook>;
  deletedHooks: WebflowHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(retryAfterSeconds: number): void;
  /** POST a webhook for a registration, signed as Webflow does; `timestamp` (ms) and `key` override for forgeries. */
  deliver(id: string, body: unknown, opts?: { timestamp?: number; key?: string }): Promise<{ status: number; body: string; signature: string; timestamp: string }>;
  close(): Promise<void>;
}

/** hex HMAC-SHA256(client secret, `${timestamp}:${body}`). */
export function webflowSignature(secret: string, timestamp: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex');
}

const TRIGGER_TYPES = [
  'form_submission', 'site_publish', 'page_created', 'page_metadata_updated', 'page_deleted', 'ecomm_new_order', 'ecomm_order_changed',
  'ecomm_inventory_changed', 'collection_item_created', 'collection_item_changed', 'collection_item_deleted', 'collection_item_published',
  'collection_item_unpublished', 'comment_created',
];

const objectId = () => randomBytes(12).toString('hex');

export async function startFakeWebflow(opts: { now?: () => number } = {}): Promise<FakeWebflow> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    clientId: 'webflow-client-id-0123456789abcdef',
    clientSecret: 'webflow-client-secret-fedcba9876543210',
    userId: '545bbecb7bdd6769632504a7',
    siteId: '65427cf400e02b306eaa049c',
    workspaceId: '625860a7a6c16d624927122f',
    validTokens: new Set<string>(),
    hooks: new Map<string, WebflowHook>(),
    deletedHooks: [] as WebflowHook[],
    requests: [] as FakeWebflow['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string, details: unknown[] = []) =>
    json(res, status, { code, message, externalReference: null, details });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return error(res, 401, 'not_authorized', 'Request not authorized');

      if (req.method === 'GET' && url.pathname === '/v2/token/authorized_by') {
        return json(res, 200, { id: state.userId, email: 'zaphod@heartofgold.ai', firstName: 'Zaphod', lastName: 'Beeblebrox' });
      }
      const create = /^\/v2\/sites\/([^/]+)\/webhooks$/.exec(url.pathname);
      if (req.method === 'POST' && create) {
        if (create[1] !== state.siteId) return error(res, 404, 'resource_not_found', 'Requested resource not found: The site cannot be found');
        const problems: string[] = [];
        if (!TRIGGER_TYPES.includes(String(body.triggerType))) problems.push('triggerType: must be a supported trigger type');
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) problems.push('url: must be a valid URL');
        if (body.filter !== undefined && (body.triggerType !== 'form_submission' || typeof body.filter?.name !== 'string')) problems.push('filter: only supported for form_submission');
        if (problems.length) return error(res, 400, 'validation_error', 'Validation Error', problems);
        const hook: WebflowHook = {
          id: objectId(), triggerType: body.triggerType, url: body.url, workspaceId: state.workspaceId, siteId: state.siteId,
          filter: body.filter ?? null, lastTriggered: null, createdOn: new Date(now()).toISOString(),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 200, hook);
      }
      const one = /^\/v2\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (one && (req.method === 'GET' || req.method === 'DELETE')) {
        const hook = state.hooks.get(one[1]!);
        if (!hook) return error(res, 404, 'resource_not_found', 'Requested resource not found: The webhook cannot be found');
        if (req.method === 'GET') return json(res, 200, hook);
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        res.writeHead(204);
        return res.end();
      }
      return error(res, 404, 'route_not_found', 'Requested route not found');
    })().catch((err: unknown) => error(res, 500, 'internal_error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/v2`,
    failNext(count: number, status: number, body: unknown = { code: 'internal_error', message: 'An Internal Error occurred', externalReference: null, details: [] }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(retryAfterSeconds: number) {
      failures.push({
        status: 429,
        body: { code: 'too_many_requests', message: 'Too many requests', externalReference: null, details: [] },
        headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '60' },
      });
    },
    async deliver(id: string, payload: unknown, o: { timestamp?: number; key?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake webflow: no webhook ${id}`);
      const body = JSON.stringify(payload);
      const timestamp = String(o.timestamp ?? now());
      const signature = webflowSignature(o.key ?? state.clientSecret, timestamp, body);
      const res = await request(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webflow-timestamp': timestamp, 'x-webflow-signature': signature },
        body,
      });
      await res.body.text();
      hook.lastTriggered = new Date(now()).toISOString();
      return { status: res.statusCode, body, signature, timestamp };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
