// A fake Brevo over real HTTP: the REST API v3 under `/v3`, authenticated with the `api-key` header (401
// `{code: "unauthorized", message: "Key not found"}` otherwise), serving what the integration uses — Webhooks:
// `POST /v3/webhooks` ({url, type, events, description?, batched?, auth?, headers?: [{key, value}]} → 201 `{id}`;
// 400 `{code: "invalid_parameter", message}` for a missing url, an unknown type, an event the type does not offer,
// headers that are not key/value strings, or a 41st webhook), `GET /v3/webhooks/{id}` (the webhook) and
// `DELETE /v3/webhooks/{id}` (204; 404 `{code: "document_not_found"}` when unknown) — plus scripted failures (a status,
// a body, headers such as `x-sib-ratelimit-reset`).
// And Brevo's side of webhooks: one JSON event POSTed to the webhook's url with its custom headers (and
// `Authorization: Bearer` when `auth` is set) — Brevo signs nothing.
//
// Docs followed: https://developers.brevo.com/reference/create-webhook, https://developers.brevo.com/docs/secured-webhooks,
// https://developers.brevo.com/docs/how-to-use-webhooks (40 webhooks at most), https://developers.brevo.com/docs/limit-headers,
// the event lists of Brevo's CreateWebhook model (transactional, marketing, inbound).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface BrevoHook {
  id: number;
  url: string;
  description: string;
  events: string[];
  type: 'transactional' | 'marketing' | 'inbound';
  batched: boolean;
  auth?: { type?: string; token?: string };
  headers?: Array<{ key: string; value: string }>;
  createdAt: string;
  modifiedAt: string;
}

export interface FakeBrevo {
  url: string;
  apiBaseUrl: string;
  validKeys: Set<string>;
  hooks: Map<number, BrevoHook>;
  deletedHooks: BrevoHook[];
  requests: Array<{ method: string; path: string; apiKey: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** POST one event (or a batch) to the webhook's url with its custom headers (`headers` override or add). */
  deliver(id: number, payload: unknown, opts?: { headers?: Record<string, string | undefined> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const EVENTS: Record<string, Set<string>> = {
  transactional: new Set(['sent', 'request', 'delivered', 'hardBounce', 'softBounce', 'blocked', 'spam', 'invalid', 'deferred', 'click', 'opened', 'uniqueOpened', 'unsubscribed']),
  marketing: new Set(['spam', 'opened', 'click', 'hardBounce', 'softBounce', 'unsubscribed', 'listAddition', 'delivered', 'contactUpdated', 'contactDeleted']),
  inbound: new Set(['inboundEmailProcessed']),
};

export async function startFakeBrevo(): Promise<FakeBrevo> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1026504;
  const state = {
    validKeys: new Set<string>(),
    hooks: new Map<number, BrevoHook>(),
    deletedHooks: [] as BrevoHook[],
    requests: [] as FakeBrevo['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, message: string) => json(res, 400, { code: 'invalid_parameter', message });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      const apiKey = req.headers['api-key'];
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, apiKey: typeof apiKey === 'string' ? apiKey : undefined, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (typeof apiKey !== 'string' || !state.validKeys.has(apiKey)) return json(res, 401, { code: 'unauthorized', message: 'Key not found' });

      if (req.method === 'POST' && url.pathname === '/v3/webhooks') {
        const type = body.type ?? 'transactional';
        if (typeof body.url !== 'string' || !/^https?:\/\/[^/]+/.test(body.url)) return invalid(res, 'url is missing or not a valid URL');
        if (!(type in EVENTS)) return invalid(res, 'type is not valid');
        if (!Array.isArray(body.events) || body.events.length === 0) return invalid(res, 'events is missing');
        for (const e of body.events as unknown[]) if (typeof e !== 'string' || !EVENTS[type]!.has(e)) return invalid(res, `events: ${String(e)} is not valid for type ${type}`);
        if (body.batched !== undefined && typeof body.batched !== 'boolean') return invalid(res, 'batched must be a boolean');
        const headers = body.headers;
        if (headers !== undefined && (!Array.isArray(headers) || headers.some((h: any) => !h || typeof h.key !== 'string' || typeof h.value !== 'string'))) {
          return invalid(res, 'headers must be a list of {key, value} strings');
        }
        if (state.hooks.size >= 40) return invalid(res, 'You have reached the maximum number of webhooks allowed (40)');
        const now = new Date().toISOString();
        const hook: BrevoHook = {
          id: nextId++, url: body.url, description: typeof body.description === 'string' ? body.description : '', events: body.events, type,
          batched: body.batched ?? false, ...(body.auth ? { auth: body.auth } : {}), ...(headers ? { headers } : {}), createdAt: now, modifiedAt: now,
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { id: hook.id });
      }
      const one = /^\/v3\/webhooks\/([0-9]+)$/.exec(url.pathname);
      if (one) {
        const hook = state.hooks.get(Number(one[1]));
        if (!hook) return json(res, 404, { code: 'document_not_found', message: 'Webhook not found' });
        if (req.method === 'GET') return json(res, 200, hook);
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204);
          return res.end();
        }
      }
      return json(res, 404, { code: 'document_not_found', message: 'Not found' });
    })().catch((err: unknown) => json(res, 500, { code: 'internal_error', message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/v3`,
    failNext(count: number, status: number, body: unknown = { code: 'internal_error', message: 'Internal error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: number, payload: unknown, o: { headers?: Record<string, string | undefined> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake brevo: no webhook ${id}`);
      const merged: Record<string, string | undefined> = {
        ...Object.fromEntries((hook.headers ?? []).map((h) => [h.key, h.value])),
        ...(hook.auth?.type === 'bearer' && hook.auth.token ? { authorization: `Bearer ${hook.auth.token}` } : {}),
        ...o.headers,
      };
      const headers = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
      const res = await request(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
