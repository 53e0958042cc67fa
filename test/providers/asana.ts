// A fake Asana over real HTTP (https://app.asana.com/api/1.0 style, `{"data": …}` envelopes), speaking what
// the integration uses: `POST /webhooks` with the X-Hook-Secret handshake performed against the target WHILE
// the create call is open (201 only if the target echoed the secret, else 400), `DELETE /webhooks/{gid}`,
// `GET /webhooks?workspace=` (offset pagination with `next_page`), `GET /tasks/{gid}`, `GET /users/me`,
// Bearer OAuth tokens (401 `Not Authorized`), the token endpoint (`POST /-/oauth_token`, refresh grant),
// scriptable 429 + Retry-After / 5xx, and signed deliveries (`X-Hook-Signature` = hex HMAC-SHA256 of the raw
// body keyed with the handshake secret) including heartbeats (`{"events": []}`).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface FakeAsanaWebhook {
  gid: string;
  resource: string;
  target: string;
  filters: unknown[];
  secret: string;
  active: boolean;
  created_at: string;
}

export interface AsanaDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeAsana {
  url: string;
  /** What the integration's apiBaseUrl is set to. */
  apiBaseUrl: string;
  tokenUrl: string;
  userGid: string;
  workspaceGid: string;
  projects: Set<string>;
  tasks: Map<string, Record<string, unknown>>;
  webhooks: Map<string, FakeAsanaWebhook>;
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: unknown }>;
  /** What each handshake got back from the target. */
  handshakes: Array<{ target: string; status: number; echoed: string | undefined; secret: string }>;
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  buildDelivery(webhookGid: string, events: unknown[], opts?: { secret?: string }): AsanaDelivery;
  deliver(webhookGid: string, events: unknown[], opts?: { secret?: string }): Promise<{ status: number; body: string }>;
  heartbeat(webhookGid: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export function asanaSignature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export async function startFakeAsana(): Promise<FakeAsana> {
  let failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let nextGid = 1205000000000001;
  const state = {
    userGid: '1111',
    workspaceGid: '15793206719',
    projects: new Set(['8675309']),
    tasks: new Map<string, Record<string, unknown>>(),
    webhooks: new Map<string, FakeAsanaWebhook>(),
    validTokens: new Set(['asana_valid_token']),
    refreshTokens: new Set(['asana_refresh_1']),
    requests: [] as FakeAsana['requests'],
    handshakes: [] as FakeAsana['handshakes'],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const errors = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { errors: [{ message, help: 'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors' }] }, headers);
  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const publicHook = (h: FakeAsanaWebhook) => ({
    gid: h.gid, resource_type: 'webhook', active: h.active, resource: { gid: h.resource, resource_type: 'project', name: 'Bugs' },
    target: h.target, filters: h.filters, created_at: h.created_at, last_failure_at: null, last_failure_content: '', last_success_at: null,
  });

  /** The handshake: a POST to the target with X-Hook-Secret, which must come back in a 200/204. */
  async function handshake(target: string): Promise<string | null> {
    const secret = randomBytes(32).toString('hex');
    try {
      const res = await request(target, { method: 'POST', headers: { 'x-hook-secret': secret, 'content-type': 'application/json' }, body: '' });
      await res.body.text();
      const echoed = typeof res.headers['x-hook-secret'] === 'string' ? res.headers['x-hook-secret'] : undefined;
      state.handshakes.push({ target, status: res.statusCode, echoed, secret });
      return (res.statusCode === 200 || res.statusCode === 204) && echoed === secret ? secret : null;
    } catch {
      state.handshakes.push({ target, status: 0, echoed: undefined, secret });
      return null;
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = await readBody(req);
      let body: unknown = null;
      if (text !== '') {
        try {
          body = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
        } catch {
          return errors(res, 400, 'Could not parse request data, invalid JSON');
        }
      }
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) {
        const message = failure.status === 429 ? 'You have made too many requests recently. Please, be chill.' : 'Server Error';
        return errors(res, failure.status, message, failure.headers);
      }

      if (req.method === 'POST' && url.pathname === '/-/oauth_token') {
        const form = body as Record<string, string> | null;
        if (form?.grant_type !== 'refresh_token' || !form.refresh_token || !state.refreshTokens.has(form.refresh_token)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, or revoked.' });
        }
        const access = `asana_${randomBytes(8).toString('hex')}`;
        state.validTokens.add(access);
        return json(res, 200, { access_token: access, expires_in: 3600, token_type: 'bearer', data: { id: state.userGid, gid: state.userGid, name: 'Greg Sanchez', email: 'gsanchez@example.com' } });
      }

      const path = url.pathname.replace(/^\/api\/1\.0/, '');
      if (path === url.pathname) return errors(res, 404, 'No matching route for request');
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !state.validTokens.has(token)) return errors(res, 401, 'Not Authorized');

      if (req.method === 'GET' && path === '/users/me') {
        return json(res, 200, { data: { gid: state.userGid, resource_type: 'user', name: 'Greg Sanchez', email: 'gsanchez@example.com', workspaces: [{ gid: state.workspaceGid, resource_type: 'workspace', name: 'My Company Workspace' }] } });
      }
      if (req.method === 'POST' && path === '/webhooks') {
        const data = (body as { data?: { resource?: unknown; target?: unknown; filters?: unknown } } | null)?.data;
        if (typeof data?.resource !== 'string' || typeof data.target !== 'string') return errors(res, 400, 'resource: Missing input; target: Missing input');
        if (!state.projects.has(data.resource)) return errors(res, 404, `resource: Unknown object: ${data.resource}`);
        const secret = await handshake(data.target);
        if (!secret) return errors(res, 400, 'The remote server did not respond with the handshake secret.');
        const hook: FakeAsanaWebhook = {
          gid: String(nextGid++), resource: data.resource, target: data.target, filters: Array.isArray(data.filters) ? data.filters : [],
          secret, active: true, created_at: new Date().toISOString(),
        };
        state.webhooks.set(hook.gid, hook);
        return json(res, 201, { data: publicHook(hook) });
      }
      if (req.method === 'GET' && path === '/webhooks') {
        if (url.searchParams.get('workspace') !== state.workspaceGid) return errors(res, 400, 'workspace: Missing input');
        const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? '20'), 1), 100);
        const offset = Number(url.searchParams.get('offset') ?? '0');
        const all = [...state.webhooks.values()];
        const page = all.slice(offset, offset + limit);
        const more = offset + limit < all.length;
        const next = more ? { offset: String(offset + limit), path: `/webhooks?workspace=${state.workspaceGid}&limit=${limit}&offset=${offset + limit}`, uri: `${state.workspaceGid}` } : null;
        return json(res, 200, { data: page.map(publicHook), next_page: next });
      }
      const hookPath = /^\/webhooks\/([^/]+)$/.exec(path);
      if (hookPath && req.method === 'GET') {
        // https://developers.asana.com/reference/getwebhook
        const hook = state.webhooks.get(decodeURIComponent(hookPath[1] ?? ''));
        if (!hook) return errors(res, 404, `webhook: Unknown object: ${hookPath[1]}`);
        return json(res, 200, { data: publicHook(hook) });
      }
      if (hookPath && req.method === 'DELETE') {
        const gid = decodeURIComponent(hookPath[1] ?? '');
        if (!state.webhooks.delete(gid)) return errors(res, 404, `webhook: Unknown object: ${gid}`);
        return json(res, 200, { data: {} });
      }
      const taskPath = /^\/tasks\/([^/]+)$/.exec(path);
      if (taskPath && req.method === 'GET') {
        const gid = decodeURIComponent(taskPath[1] ?? '');
        const task = state.tasks.get(gid);
        if (!task) return errors(res, 404, `task: Unknown object: ${gid}`);
        return json(res, 200, { data: task });
      }
      return errors(res, 404, 'No matching route for request');
    })().catch((err: unknown) => errors(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  const buildDelivery: FakeAsana['buildDelivery'] = (webhookGid, events, opts = {}) => {
    const hook = state.webhooks.get(webhookGid);
    if (!hook) throw new Error(`fake Asana: no webhook ${webhookGid}`);
    const body = JSON.stringify({ events });
    return {
      url: hook.target,
      body,
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-hook-signature': asanaSignature(body, opts.secret ?? hook.secret) },
    };
  };
  const deliver = async (webhookGid: string, events: unknown[], opts?: { secret?: string }) => {
    const d = buildDelivery(webhookGid, events, opts);
    const res = await request(d.url, { method: 'POST', headers: d.headers, body: d.body });
    return { status: res.statusCode, body: await res.body.text() };
  };

  const fake: FakeAsana = Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/api/1.0`,
    tokenUrl: `${base}/-/oauth_token`,
    failNext(count: number, status: number, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers }))];
    },
    buildDelivery,
    deliver,
    heartbeat: (webhookGid: string) => deliver(webhookGid, []),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
