// A fake Netlify over real HTTP: what the integration uses — `GET /api/v1/user`, `POST /api/v1/hooks?site_id=…`
// ({site_id, type: "url", event, data: {url, signature_secret}} → the hook with its id), `GET` and `DELETE
// /api/v1/hooks/{id}` (404 when unknown) — behind `Authorization: Bearer <token>` (an OAuth token or a personal
// access token); errors answer `{"code": status, "message": …}`. And Netlify's side of hooks: the deploy or the
// submission POSTed as JSON with `X-Webhook-Signature`, a JWS (HS256) of `{"iss": "netlify", "sha256": <hex
// SHA-256 of the body>}` keyed with the hook's signature_secret — computed here with node:crypto, independently
// of the SDK's signer. A hook can be disabled (`disabled: true`), as Netlify does after failed deliveries.
//
// Docs followed: https://open-api.netlify.com/#tag/hook, https://docs.netlify.com/site-deploys/notifications/
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface NetlifyHook {
  id: string;
  site_id: string;
  type: string;
  event: string;
  data: { url: string; signature_secret?: string };
  disabled: boolean;
  created_at: string;
}

export interface FakeNetlify {
  apiBaseUrl: string;
  tokens: Set<string>;
  token: string;
  userId: string;
  siteIds: string[];
  hooks: Map<string, NetlifyHook>;
  deletedHooks: NetlifyHook[];
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  jws(secret: string, body: string, claims?: Record<string, unknown>): string;
  /** POST a body to the hook's URL, signed with its secret (or `secret`, or given headers). */
  deliver(id: string, payload: Record<string, unknown>, opts?: { secret?: string; headers?: Record<string, string>; claims?: Record<string, unknown> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const EVENTS = new Set(['deploy_created', 'deploy_building', 'deploy_failed', 'deploy_succeeded', 'deploy_locked', 'deploy_unlocked', 'deploy_request_pending', 'deploy_request_accepted', 'deploy_request_rejected', 'submission_created']);

export async function startFakeNetlify(): Promise<FakeNetlify> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let seq = 1;
  const token = `nfp_${randomBytes(18).toString('hex')}`;
  const state = {
    token,
    tokens: new Set<string>([token]),
    userId: '5ace049efdd72a6b9aa9539c',
    siteIds: ['fa4dd95a-994e-4f89-8a7a-2d9e9fc36a32', 'www-acme.netlify.app'],
    hooks: new Map<string, NetlifyHook>(),
    deletedHooks: [] as NetlifyHook[],
    requests: [] as FakeNetlify['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string) => json(res, status, { code: status, message });
  const view = (h: NetlifyHook) => ({ id: h.id, site_id: h.site_id, type: h.type, event: h.event, data: { url: h.data.url }, created_at: h.created_at, updated_at: h.created_at, disabled: h.disabled });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(url.searchParams);
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !state.tokens.has(auth.slice(7))) return error(res, 401, 'Access Denied: Invalid token');
      const path = url.pathname.replace(/^\/api\/v1/, '');
      if (!url.pathname.startsWith('/api/v1/')) return error(res, 404, 'Not Found');
      if (req.method === 'GET' && path === '/user') {
        return json(res, 200, { id: state.userId, uid: null, full_name: 'Ada Lovelace', email: 'ada@acme.example', site_count: 2 });
      }
      if (req.method === 'POST' && path === '/hooks') {
        const siteId = query.site_id ?? body.site_id;
        if (typeof siteId !== 'string' || !state.siteIds.includes(siteId)) return error(res, 404, 'Not Found');
        if (body.type !== 'url') return error(res, 422, 'Validation failed: type is not a known hook type');
        if (typeof body.event !== 'string' || !EVENTS.has(body.event)) return error(res, 422, 'Validation failed: event is not a known event');
        if (!body.data || typeof body.data.url !== 'string' || !/^https?:\/\//.test(body.data.url)) return error(res, 422, 'Validation failed: data.url is invalid');
        const hook: NetlifyHook = {
          id: `5f9c${String(seq++).padStart(4, '0')}${randomBytes(8).toString('hex')}`, site_id: siteId, type: body.type, event: body.event,
          data: { url: body.data.url, ...(typeof body.data.signature_secret === 'string' ? { signature_secret: body.data.signature_secret } : {}) },
          disabled: false, created_at: new Date().toISOString(),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, view(hook));
      }
      const one = /^\/hooks\/([^/]+)$/.exec(path);
      if (one) {
        const hook = state.hooks.get(decodeURIComponent(one[1]!));
        if (!hook) return error(res, 404, 'Not Found');
        if (req.method === 'GET') return json(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204).end();
          return;
        }
      }
      return error(res, 404, 'Not Found');
    })().catch((err: unknown) => error(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jws = (secret: string, body: string, claims: Record<string, unknown> = { iss: 'netlify', sha256: createHash('sha256').update(body).digest('hex') }) => {
    const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };

  return Object.assign(state, {
    apiBaseUrl: `${base}/api/v1`,
    failNext(count: number, status: number, body: unknown = { code: status, message: 'Internal Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    jws,
    async deliver(id: string, payload: Record<string, unknown>, o: { secret?: string; headers?: Record<string, string>; claims?: Record<string, unknown> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake netlify: no hook ${id}`);
      const body = JSON.stringify(payload);
      const secret = o.secret ?? hook.data.signature_secret ?? '';
      const res = await request(hook.data.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Netlify', 'x-webhook-signature': jws(secret, body, o.claims), ...o.headers },
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
