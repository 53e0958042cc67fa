// A fake CircleCI API v2 over real HTTP: what the integration uses — `GET /me` ({id, login, name}),
// `GET /project/{vcs}/{org}/{repo}` ({id, slug, name, organization_id, …}; 404 `{"message":"Project not found"}`),
// `POST /webhook` ({name, url, events, verify-tls, signing-secret, scope: {id, type: "project"}} → the webhook
// with its signing secret masked; at most 5 webhooks per project), `GET /webhook/{id}` and `DELETE /webhook/{id}`
// (404 when unknown) — behind the `Circle-Token` header (401 `{"message":"You must log in first."}` otherwise).
// Errors answer `{"message": "…"}`. And CircleCI's side of webhooks: the event body POSTed with
// `circleci-event-type` and `circleci-signature: v1=<hex HMAC-SHA256 of the raw body keyed with the signing
// secret>` — computed here with node:crypto, independently of the SDK's signer.
//
// Docs followed: https://circleci.com/docs/webhooks/, https://circleci.com/docs/webhooks-reference/,
// https://circleci.com/docs/api/v2/#tag/Webhook, https://circleci.com/docs/api-developers-guide/
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface CircleciHook {
  id: string;
  name: string;
  url: string;
  events: string[];
  verifyTls: boolean;
  signingSecret: string;
  scope: { id: string; type: string };
  createdAt: string;
}

export interface CircleciProject {
  id: string;
  slug: string;
  name: string;
}

export interface FakeCircleci {
  apiBaseUrl: string;
  token: string;
  userId: string;
  projects: CircleciProject[];
  hooks: Map<string, CircleciHook>;
  deletedHooks: CircleciHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string): string;
  /** POST an event body to the hook's URL, signed with its secret (or `secret`). */
  deliver(id: string, event: Record<string, unknown>, opts?: { secret?: string; headers?: Record<string, string>; raw?: string }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const EVENTS = new Set(['workflow-completed', 'job-completed']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function startFakeCircleci(): Promise<FakeCircleci> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    token: `CCIPAT_${randomBytes(20).toString('hex')}`,
    userId: '6a19122c-40e0-4d56-a875-aac6ccc27700',
    projects: [
      { id: '84996744-a854-4f5e-aea3-04e2851dc1d2', slug: 'gh/circleci/webhook-service', name: 'webhook-service' },
      { id: '2a68fe5f-2fe5-4d4f-91e1-15f111116743', slug: 'circleci/DdaVtNusHqi24D4YT3X4eu/6EkDPZoN4ZdMKKZtBkRodt', name: 'hello-world' },
    ] as CircleciProject[],
    hooks: new Map<string, CircleciHook>(),
    deletedHooks: [] as CircleciHook[],
    requests: [] as FakeCircleci['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const message = (res: ServerResponse, status: number, text: string) => json(res, status, { message: text });
  const view = (h: CircleciHook) => ({
    id: h.id, name: h.name, url: h.url, events: h.events, 'verify-tls': h.verifyTls, scope: h.scope,
    'signing-secret': `****${h.signingSecret.slice(-4)}`, 'created-at': h.createdAt, 'updated-at': h.createdAt,
  });
  // `gh/org/repo` and `github/org/repo` name the same project.
  const bySlug = (slug: string) => state.projects.find((p) => p.slug === slug || p.slug === slug.replace(/^github\//, 'gh/').replace(/^bitbucket\//, 'bb/'));

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      // Everything lives under /api/v2 (https://circleci.com/api/v2).
      if (!url.pathname.startsWith('/api/v2/')) return message(res, 404, 'Not found');
      const path = decodeURIComponent(url.pathname.slice('/api/v2'.length));
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      const auth = req.headers['circle-token'] as string | undefined;
      state.requests.push({ method: req.method ?? 'GET', path, auth, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (auth !== state.token || req.headers.authorization !== undefined) return message(res, 401, 'You must log in first.');
      if (req.method === 'GET' && path === '/me') return json(res, 200, { id: state.userId, login: 'ada', name: 'Ada Lovelace' });
      const project = /^\/project\/(.+)$/.exec(path);
      if (req.method === 'GET' && project) {
        const p = bySlug(project[1]!);
        if (!p) return message(res, 404, 'Project not found');
        return json(res, 200, { id: p.id, slug: p.slug, name: p.name, organization_name: 'circleci', organization_slug: 'gh/circleci', organization_id: 'f22b6566-597d-46d5-ba74-99ef5bb3d85c', vcs_info: { vcs_url: 'https://github.com/circleci/webhook-service', provider: 'GitHub', default_branch: 'main' } });
      }
      if (req.method === 'POST' && path === '/webhook') {
        const missing = ['name', 'url', 'events', 'scope', 'signing-secret', 'verify-tls'].filter((k) => body[k] === undefined);
        if (missing.length) return message(res, 400, `Missing required fields: ${missing.join(', ')}`);
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return message(res, 400, 'url must be a valid URL');
        if (!Array.isArray(body.events) || body.events.length === 0 || !body.events.every((e: unknown) => typeof e === 'string' && EVENTS.has(e))) return message(res, 400, 'events must be workflow-completed or job-completed');
        if (typeof body['signing-secret'] !== 'string' || typeof body['verify-tls'] !== 'boolean' || typeof body.name !== 'string') return message(res, 400, 'Invalid request body');
        if (body.scope?.type !== 'project' || typeof body.scope?.id !== 'string' || !UUID.test(body.scope.id)) return message(res, 400, 'scope must be {id: <project id>, type: "project"}');
        if (!state.projects.some((p) => p.id === body.scope.id)) return message(res, 404, 'Project not found');
        if ([...state.hooks.values()].filter((h) => h.scope.id === body.scope.id).length >= 5) return message(res, 400, 'Projects are limited to 5 outbound webhooks');
        const hook: CircleciHook = {
          id: randomUUID(), name: body.name, url: body.url, events: body.events, verifyTls: body['verify-tls'],
          signingSecret: body['signing-secret'], scope: { id: body.scope.id, type: 'project' }, createdAt: new Date().toISOString(),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, view(hook));
      }
      const one = /^\/webhook\/([^/]+)$/.exec(path);
      if (one) {
        const hook = state.hooks.get(one[1]!);
        if (!hook) return message(res, 404, 'Webhook not found');
        if (req.method === 'GET') return json(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { message: 'ok' });
        }
      }
      return message(res, 404, 'Not found');
    })().catch((err: unknown) => message(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

  return Object.assign(state, {
    apiBaseUrl: `${base}/api/v2`,
    failNext(count: number, status: number, body: unknown = { message: 'Internal server error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, event: Record<string, unknown>, o: { secret?: string; headers?: Record<string, string>; raw?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake circleci: no webhook ${id}`);
      const body = o.raw ?? JSON.stringify(event);
      const res = await request(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'CircleCI-Webhook/1.0',
          'circleci-event-type': String(event.type),
          'circleci-signature': `v1=${sign(o.secret ?? hook.signingSecret, body)}`,
          ...o.headers,
        },
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
