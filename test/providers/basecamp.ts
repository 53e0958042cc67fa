// A fake Basecamp 4 over real HTTP: the API host (its base URL stands for https://3.basecampapi.com; the e2e tests set
// the project's apiBaseUrl to `${url}/{accountId}`, so every call arrives under `/{accountId}` and proves the account
// parameter was filled) and Launchpad's token endpoint (`POST /authorization/token`, form-encoded, answering
// `{access_token, token_type, expires_in, refresh_token}`).
//
// API as documented: `Authorization: Bearer` (401 otherwise), a User-Agent naming the app with a contact in
// parentheses (400 without), `POST /buckets/{id}/webhooks.json` `{payload_url, types}` → 201 with the webhook (400 for
// a payload URL that is not HTTPS — loopback `http:` allowed here so the test service can receive — or an unknown
// type; 404 for a project the account does not have), `GET`/`DELETE /webhooks/{id}.json` and the legacy
// `/buckets/{id}/webhooks/{id}.json` (404 when gone; 204 on delete), `GET /my/profile.json`. And Basecamp's side of
// webhooks: unsigned JSON POSTed to the payload URL exactly as registered, with `User-Agent: Basecamp3 Webhook`.
//
// Docs followed: https://github.com/basecamp/bc3-api/blob/master/README.md,
// https://github.com/basecamp/bc3-api/blob/master/sections/authentication.md,
// https://github.com/basecamp/bc3-api/blob/master/sections/webhooks.md
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const DOCUMENTED_TYPES = ['Comment', 'Client::Approval::Response', 'Client::Forward', 'Client::Reply', 'CloudFile', 'Document', 'GoogleDocument', 'Inbox::Forward', 'Kanban::Card', 'Kanban::Step', 'Message', 'Question', 'Question::Answer', 'Schedule::Entry', 'Todo', 'Todolist', 'Upload', 'Vault'];

export interface BcHook {
  id: number;
  projectId: number;
  active: boolean;
  payload_url: string;
  types: string[];
}

export interface FakeBasecamp {
  url: string;
  accountId: string;
  projects: Set<number>;
  /** access token → the person it belongs to in this account. */
  tokens: Map<string, { id: number; name: string }>;
  hooks: Map<number, BcHook>;
  deletedHooks: BcHook[];
  /** Launchpad: verification code → access token it is exchanged for. */
  codes: Map<string, string>;
  clientId: string;
  clientSecret: string;
  tokenRequests: Array<Record<string, string>>;
  requests: Array<{ method: string; path: string; token: string | undefined; userAgent: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  deliver(id: number, event: Record<string, unknown>, opts?: { url?: string }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

const isAllowedPayloadUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost'));
  } catch {
    return false;
  }
};

export async function startFakeBasecamp(accountId = '999999999'): Promise<FakeBasecamp> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1051369971;
  const state = {
    accountId,
    projects: new Set<number>([2085958498]),
    tokens: new Map<string, { id: number; name: string }>(),
    hooks: new Map<number, BcHook>(),
    deletedHooks: [] as BcHook[],
    codes: new Map<string, string>(),
    clientId: 'bc-client-id',
    clientSecret: 'bc-client-secret',
    tokenRequests: [] as Array<Record<string, string>>,
    requests: [] as FakeBasecamp['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (status === 204) {
      res.writeHead(204, headers);
      return res.end();
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const present = (h: BcHook) => ({
    id: h.id,
    active: h.active,
    created_at: '2026-03-02T08:38:45.916Z',
    updated_at: '2026-03-02T08:38:45.916Z',
    payload_url: h.payload_url,
    types: h.types,
    url: `https://3.basecampapi.com/${state.accountId}/buckets/${h.projectId}/webhooks/${h.id}.json`,
    app_url: `https://3.basecamp.com/${state.accountId}/buckets/${h.projectId}/webhooks/${h.id}`,
  });
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      const auth = req.headers.authorization;
      const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
      const userAgent = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, token, userAgent, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);

      if (req.method === 'POST' && url.pathname === '/authorization/token') {
        const form = body as Record<string, string>;
        state.tokenRequests.push(form);
        const access = state.codes.get(form.code ?? '');
        if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret || !access) return json(res, 400, { error: 'invalid_grant' });
        state.codes.delete(form.code!);
        return json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 1209600, refresh_token: `refresh-${access}` });
      }

      const prefix = `/${state.accountId}`;
      if (!url.pathname.startsWith(prefix + '/')) return json(res, 404, { status: 404, error: 'Not Found' });
      // "If you don't include a User-Agent header, you'll get a 400 Bad Request response."
      if (!userAgent || !/\(.+\)/.test(userAgent)) return json(res, 400, { status: 400, error: 'A User-Agent with your app name and contact is required' });
      const person = token ? state.tokens.get(token) : undefined;
      if (!person) return json(res, 401, { status: 401, error: 'OAuth token invalid' });
      const path = url.pathname.slice(prefix.length);

      if (req.method === 'GET' && path === '/my/profile.json') return json(res, 200, { id: person.id, name: person.name, email_address: 'victor@honchodesign.com', personable_type: 'User' });

      const create = /^\/buckets\/(\d+)\/webhooks\.json$/.exec(path);
      if (create && req.method === 'POST') {
        const projectId = Number(create[1]);
        if (!state.projects.has(projectId)) return json(res, 404, { status: 404, error: 'Not Found' });
        const types: unknown = body?.types ?? ['all'];
        if (!isAllowedPayloadUrl(body?.payload_url)) return json(res, 400, { status: 400, error: 'Payload URL must be a valid HTTPS URL' });
        if (!Array.isArray(types) || types.some((t) => t !== 'all' && !DOCUMENTED_TYPES.includes(t))) return json(res, 400, { status: 400, error: 'Types is invalid' });
        const hook: BcHook = { id: nextId++, projectId, active: body.active !== false, payload_url: body.payload_url, types: types as string[] };
        state.hooks.set(hook.id, hook);
        return json(res, 201, present(hook));
      }
      const one = /^(?:\/buckets\/(\d+))?\/webhooks\/(\d+)\.json$/.exec(path);
      if (one) {
        const hook = state.hooks.get(Number(one[2]));
        if (!hook || (one[1] !== undefined && Number(one[1]) !== hook.projectId)) return json(res, 404, { status: 404, error: 'Not Found' });
        if (req.method === 'GET') return json(res, 200, { ...present(hook), recent_deliveries: [] });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 204, null);
        }
      }
      return json(res, 404, { status: 404, error: 'Not Found' });
    })().catch((err: unknown) => json(res, 500, { status: 500, error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { status, error: 'Internal Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: number, event: Record<string, unknown>, o: { url?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake basecamp: no webhook ${id}`);
      const res = await request(o.url ?? hook.payload_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Basecamp3 Webhook', 'x-request-id': `req-${String(event.id)}` },
        body: JSON.stringify(event),
      });
      return { status: res.statusCode, text: await res.body.text() };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
