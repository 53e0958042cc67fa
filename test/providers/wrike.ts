// A fake Wrike API v4 over real HTTP: the API host (its base URL stands for https://{host}.wrike.com/api/v4; the e2e
// tests set the project's apiBaseUrl to `${url}/{host}/api/v4`, so every call arrives under `/{host}/api/v4` and proves
// the account parameter was filled — and a token is valid only on its own account's host, as Wrike's data centres are)
// and the OAuth token endpoint (`POST /oauth2/token`, form-encoded, answering `{access_token, token_type, expires_in,
// refresh_token, host}`).
//
// API as documented (https://developers.wrike.com/webhooks/, https://developers.wrike.com/oauth-20-authorization/):
// `Authorization: Bearer` (401 otherwise), answers in the `{kind, data: [...]}` envelope, errors as
// `{errorDescription, error}`; `POST /folders/{folderId}/webhooks` with form fields `hookUrl`, `events` (`[A,B]`) and
// `recursive` → the webhook `{id, accountId, folderId, hookUrl, status: "Active"}` (404 for an unknown folder, 400 for
// an unknown event or a missing hookUrl); `GET`/`DELETE /webhooks/{id}`; `GET /account`, `GET /tasks/{id}`,
// `GET /comments/{id}`. And Wrike's side: JSON arrays of events POSTed to the hook URL exactly as registered.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const DOCUMENTED_EVENTS = ['TaskCreated', 'TaskDeleted', 'TaskTitleChanged', 'TaskImportanceChanged', 'TaskStatusChanged', 'TaskDatesChanged', 'TaskParentsAdded', 'TaskParentsRemoved', 'TaskResponsiblesAdded', 'TaskResponsiblesRemoved', 'TaskSharedsAdded', 'TaskSharedsRemoved', 'TaskDescriptionChanged', 'TaskCustomFieldChanged', 'AttachmentAdded', 'AttachmentDeleted', 'CommentAdded', 'CommentDeleted', 'TimelogChanged'];

export interface WrikeHook {
  id: string;
  folderId: string;
  hookUrl: string;
  events: string[];
  recursive: boolean;
  status: 'Active' | 'Suspended';
}

export interface FakeWrike {
  url: string;
  host: string;
  accountId: string;
  folders: Set<string>;
  tokens: Set<string>;
  tasks: Map<string, Record<string, unknown>>;
  comments: Map<string, Record<string, unknown>>;
  hooks: Map<string, WrikeHook>;
  deletedHooks: WrikeHook[];
  codes: Map<string, string>;
  clientId: string;
  clientSecret: string;
  tokenRequests: Array<Record<string, string>>;
  requests: Array<{ method: string; path: string; token: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  deliver(id: string, events: Array<Record<string, unknown>>, opts?: { url?: string }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startFakeWrike(host = 'app-eu'): Promise<FakeWrike> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1;
  const state = {
    host,
    accountId: 'IEAAAAAQ',
    folders: new Set<string>(['IEAAAAAQI4AAAAAA']),
    tokens: new Set<string>(),
    tasks: new Map<string, Record<string, unknown>>(),
    comments: new Map<string, Record<string, unknown>>(),
    hooks: new Map<string, WrikeHook>(),
    deletedHooks: [] as WrikeHook[],
    codes: new Map<string, string>(),
    clientId: 'wrike-client-id',
    clientSecret: 'wrike-client-secret',
    tokenRequests: [] as Array<Record<string, string>>,
    requests: [] as FakeWrike['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const err = (res: ServerResponse, status: number, error: string, errorDescription: string) => json(res, status, { errorDescription, error });
  const present = (h: WrikeHook) => ({ id: h.id, accountId: state.accountId, folderId: h.folderId, hookUrl: h.hookUrl, status: h.status });
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      const auth = req.headers.authorization;
      const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, token, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);

      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        const form = body as Record<string, string>;
        state.tokenRequests.push(form);
        const access = state.codes.get(form.code ?? '');
        if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret || !access) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid code' });
        state.codes.delete(form.code!);
        return json(res, 200, { access_token: access, token_type: 'bearer', expires_in: 3600, refresh_token: `refresh-${access}`, host: `${state.host}.wrike.com` });
      }

      const prefix = `/${state.host}/api/v4`;
      if (!url.pathname.startsWith(prefix + '/')) return err(res, 401, 'not_authorized', 'Authorization error (token not valid on this host)');
      if (!token || !state.tokens.has(token)) return err(res, 401, 'not_authorized', 'Authorization error');
      const path = url.pathname.slice(prefix.length);

      if (req.method === 'GET' && path === '/account') return json(res, 200, { kind: 'accounts', data: [{ id: state.accountId, name: 'Acme Corp', dateFormat: 'MM/dd/yyyy', firstDayOfWeek: 'Mon', workDays: ['Mon'], rootFolderId: 'IEAAAAAQI7777777', recycleBinId: 'IEAAAAAQI7777776', createdDate: '2020-01-01T00:00:00Z' }] });

      const create = /^\/folders\/([A-Za-z0-9]+)\/webhooks$/.exec(path);
      if (create && req.method === 'POST') {
        const folderId = create[1]!;
        if (!state.folders.has(folderId)) return err(res, 404, 'not_found', 'Folder not found');
        if (typeof body?.hookUrl !== 'string' || !/^https?:\/\//.test(body.hookUrl)) return err(res, 400, 'parameter_required', "Parameter 'hookUrl' is required");
        const raw = typeof body.events === 'string' ? body.events : '';
        const events = raw === '' ? [] : /^\[([A-Za-z,]*)\]$/.exec(raw)?.[1]?.split(',') ?? null;
        if (events === null || events.some((e) => !DOCUMENTED_EVENTS.includes(e))) return err(res, 400, 'invalid_parameter', "Parameter 'events' value is invalid");
        const hook: WrikeHook = { id: `IEAAAAAQJA${String(nextId++).padStart(6, 'A')}`, folderId, hookUrl: body.hookUrl, events, recursive: body.recursive === 'true', status: 'Active' };
        state.hooks.set(hook.id, hook);
        return json(res, 200, { kind: 'webhooks', data: [present(hook)] });
      }
      const one = /^\/webhooks\/([A-Za-z0-9]+)$/.exec(path);
      if (one) {
        const hook = state.hooks.get(one[1]!);
        if (!hook) return err(res, 404, 'not_found', 'Webhook not found');
        if (req.method === 'GET') return json(res, 200, { kind: 'webhooks', data: [present(hook)] });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { kind: 'webhooks', data: [] });
        }
      }
      const task = /^\/tasks\/([A-Za-z0-9]+)$/.exec(path);
      if (task && req.method === 'GET') {
        const found = state.tasks.get(task[1]!);
        return found ? json(res, 200, { kind: 'tasks', data: [found] }) : err(res, 404, 'not_found', 'Task not found');
      }
      const comment = /^\/comments\/([A-Za-z0-9]+)$/.exec(path);
      if (comment && req.method === 'GET') {
        const found = state.comments.get(comment[1]!);
        return found ? json(res, 200, { kind: 'comments', data: [found] }) : err(res, 404, 'not_found', 'Comment not found');
      }
      return err(res, 404, 'resource_not_found', 'Resource not found');
    })().catch((e: unknown) => json(res, 500, { errorDescription: String(e), error: 'server_error' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { errorDescription: 'Internal error', error: 'server_error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: string, events: Array<Record<string, unknown>>, o: { url?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake wrike: no webhook ${id}`);
      const res = await request(o.url ?? hook.hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events.map((e) => ({ ...e, webhookId: hook.id }))),
      });
      return { status: res.statusCode, text: await res.body.text() };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
