// A fake BambooHR over real HTTP: what the integration uses, under the company's own path
// `/api/gateway.php/{companyDomain}/v1` — `POST /webhooks` ({name, url, format, events, monitorFields?} → the webhook
// with its `privateKey`, shown only then; monitorFields required with employee.updated), `GET /webhooks/{id}`,
// `DELETE /webhooks/{id}` (404 when unknown) — behind HTTP Basic auth with the API key as user name and any password;
// an unknown company answers 404. Errors carry `X-BambooHR-Error-Message`. And BambooHR's side of webhooks: the
// event-based body `{type, timestamp, data: {companyId, employeeId, changedFields?}}` POSTed with
// `X-BambooHR-Timestamp` and `X-BambooHR-Signature` = hex HMAC-SHA256(privateKey, body + timestamp), computed here with
// node:crypto, independently of the SDK's signer.
//
// Docs followed: https://documentation.bamboohr.com/docs/permissioned-webhooks,
// https://documentation.bamboohr.com/docs/event-based-webhooks, https://documentation.bamboohr.com/docs/webhooks
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface BambooHook {
  id: string;
  name: string;
  url: string;
  format: string;
  events: string[];
  monitorFields: string[];
  privateKey: string;
}

export interface FakeBambooHR {
  /** The API base with the `{companyDomain}` placeholder left for the engine to fill. */
  apiBaseTemplate: string;
  companyDomain: string;
  companyId: string;
  apiKey: string;
  hooks: Map<string, BambooHook>;
  deletedHooks: BambooHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, message?: string, headers?: Record<string, string>): void;
  /** BambooHR's signature headers for a body. */
  sign(privateKey: string, body: string, timestamp: string): { 'x-bamboohr-timestamp': string; 'x-bamboohr-signature': string };
  /** POST an event-based body to the hook's URL, signed with its key (or `key`). */
  deliver(id: string, event: unknown, opts?: { key?: string; timestamp?: string; headers?: Record<string, string> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const EVENTS = new Set(['employee.created', 'employee.updated', 'employee.deleted']);

export async function startFakeBambooHR(): Promise<FakeBambooHR> {
  let failures: Array<{ status: number; message: string; headers: Record<string, string> }> = [];
  let seq = 1;
  const state = {
    companyDomain: 'acme',
    companyId: '12345',
    apiKey: '6c1a0e39b2f84e7d95a1c3b7f0e2d4a6c8b9e1f3',
    hooks: new Map<string, BambooHook>(),
    deletedHooks: [] as BambooHook[],
    requests: [] as FakeBambooHR['requests'],
  };
  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    reply(res, status, undefined, { 'x-bamboohr-error-message': message, ...headers });
  const view = (h: BambooHook) => ({ id: h.id, name: h.name, url: h.url, format: h.format, events: h.events, monitorFields: h.monitorFields });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return fail(res, failure.status, failure.message, failure.headers);
      const m = /^\/api\/gateway\.php\/([^/]+)\/v1(\/.*)$/.exec(url.pathname);
      if (!m || m[1] !== state.companyDomain) return fail(res, 404, 'Company not found');
      const auth = req.headers.authorization ?? '';
      const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
      if (decoded.split(':')[0] !== state.apiKey) return fail(res, 401, 'Invalid API key');
      const path = m[2]!;
      if (req.method === 'POST' && path === '/webhooks') {
        if (typeof body.name !== 'string' || body.name === '') return fail(res, 400, 'name is required');
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return fail(res, 400, 'url must be a valid URL');
        if (body.format !== 'json' && body.format !== 'form-encoded') return fail(res, 400, 'format is required');
        const events: unknown = body.events;
        if (!Array.isArray(events) || !events.every((e) => typeof e === 'string' && EVENTS.has(e))) return fail(res, 400, 'events must be employee.created, employee.updated or employee.deleted');
        const monitorFields: unknown = body.monitorFields ?? [];
        if (!Array.isArray(monitorFields)) return fail(res, 400, 'monitorFields must be an array');
        if (events.includes('employee.updated') && monitorFields.length === 0) return fail(res, 400, 'monitorFields is required for employee.updated');
        const hook: BambooHook = {
          id: String(seq++), name: body.name, url: body.url, format: body.format, events: events as string[],
          monitorFields: monitorFields as string[], privateKey: randomBytes(32).toString('hex'),
        };
        state.hooks.set(hook.id, hook);
        return reply(res, 201, { ...view(hook), created: new Date().toISOString(), privateKey: hook.privateKey });
      }
      const one = /^\/webhooks\/([^/]+)$/.exec(path);
      if (one) {
        const hook = state.hooks.get(decodeURIComponent(one[1]!));
        if (!hook) return fail(res, 404, 'Webhook not found');
        if (req.method === 'GET') return reply(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return reply(res, 200, undefined);
        }
      }
      return fail(res, 404, 'Not found');
    })().catch((err: unknown) => fail(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (privateKey: string, body: string, timestamp: string) => ({
    'x-bamboohr-timestamp': timestamp,
    'x-bamboohr-signature': createHmac('sha256', privateKey).update(body).update(timestamp).digest('hex'),
  });

  return Object.assign(state, {
    apiBaseTemplate: `${base}/api/gateway.php/{companyDomain}/v1`,
    failNext(count: number, status: number, message = 'Internal server error', headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, message, headers }))];
    },
    sign,
    async deliver(id: string, event: unknown, o: { key?: string; timestamp?: string; headers?: Record<string, string> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake bamboohr: no webhook ${id}`);
      const body = JSON.stringify(event);
      const res = await request(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sign(o.key ?? hook.privateKey, body, o.timestamp ?? String(Math.floor(Date.now() / 1000))), ...o.headers },
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
