// A fake Clockify (REST API v1) over real HTTP: what the integration uses — `GET /user` (id, defaultWorkspace),
// `GET /workspaces`, `POST /workspaces/{workspaceId}/webhooks` ({name, url, webhookEvent, triggerSource,
// triggerSourceType} → the webhook with its id and a Clockify-chosen `authToken`), `GET` and `DELETE`
// `/workspaces/{workspaceId}/webhooks/{webhookId}` (404 when unknown) — behind `X-Api-Key`. Errors answer
// `{"message", "code"}`. And Clockify's side of webhooks: the event's object POSTed to the webhook's url with
// `Clockify-Signature: <authToken>` and `Clockify-Webhook-Event-Type: <event>`.
//
// Docs followed: https://docs.clockify.me/#tag/Webhooks, https://docs.clockify.me/#section/Authentication,
// https://dev-docs.marketplace.cake.com/documentation/build/manifest/webhooks.html (headers).
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface ClockifyHook {
  id: string;
  workspaceId: string;
  name: string;
  url: string;
  webhookEvent: string;
  triggerSource: string[];
  triggerSourceType: string;
  authToken: string;
  enabled: boolean;
}

export interface FakeClockify {
  apiBaseUrl: string;
  apiKey: string;
  userId: string;
  workspaceId: string;
  hooks: Map<string, ClockifyHook>;
  deletedHooks: ClockifyHook[];
  requests: Array<{ method: string; path: string; headers: Record<string, string | string[] | undefined>; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** POST `body` to the hook's url as Clockify does; `token` and `event` override the header values. */
  emit(id: string, body: unknown, opts?: { token?: string | null; event?: string }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const EVENTS = ['NEW_PROJECT', 'NEW_TASK', 'NEW_CLIENT', 'NEW_TIMER_STARTED', 'TIMER_STOPPED', 'TIME_ENTRY_UPDATED', 'TIME_ENTRY_DELETED', 'NEW_TIME_ENTRY', 'NEW_TAG'];
const SOURCE_TYPES = ['PROJECT_ID', 'USER_ID', 'TAG_ID', 'TASK_ID', 'WORKSPACE_ID'];
const hex24 = () => randomBytes(12).toString('hex');

export async function startFakeClockify(): Promise<FakeClockify> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    apiKey: 'YzQ1ZjE2ZDktMmQ0NC00ZjU2LWE3MjEtZDVkZTMxNTI2ZmNm',
    userId: '5a0ab5acb07987125438b60f',
    workspaceId: '64a687e29ae1f428e7ebe303',
    hooks: new Map<string, ClockifyHook>(),
    deletedHooks: [] as ClockifyHook[],
    requests: [] as FakeClockify['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, message: string, code = status * 10 + 1) => json(res, status, { message, code });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers['x-api-key'] !== state.apiKey) return fail(res, 401, 'Full authentication is required to access this resource', 1000);
      const path = url.pathname.replace(/^\/api\/v1/, '');
      if (req.method === 'GET' && path === '/user') {
        return json(res, 200, { id: state.userId, email: 'john@example.com', name: 'John Doe', activeWorkspace: state.workspaceId, defaultWorkspace: state.workspaceId, status: 'ACTIVE' });
      }
      if (req.method === 'GET' && path === '/workspaces') return json(res, 200, [{ id: state.workspaceId, name: "John's workspace" }]);
      const list = /^\/workspaces\/([^/]+)\/webhooks$/.exec(path);
      if (list && req.method === 'POST') {
        if (list[1] !== state.workspaceId) return fail(res, 403, 'Access Denied', 4030);
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return fail(res, 400, 'url must be a valid URL', 501);
        if (!EVENTS.includes(body.webhookEvent)) return fail(res, 400, 'webhookEvent: invalid value', 501);
        if (!SOURCE_TYPES.includes(body.triggerSourceType) || !Array.isArray(body.triggerSource)) return fail(res, 400, 'triggerSource: invalid', 501);
        const hook: ClockifyHook = {
          id: hex24(), workspaceId: list[1], name: String(body.name ?? ''), url: body.url, webhookEvent: body.webhookEvent,
          triggerSource: body.triggerSource, triggerSourceType: body.triggerSourceType, authToken: `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}`, enabled: true,
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { ...hook, userId: state.userId });
      }
      const one = /^\/workspaces\/([^/]+)\/webhooks\/([^/]+)$/.exec(path);
      if (one) {
        const hook = state.hooks.get(one[2]!);
        if (!hook || hook.workspaceId !== one[1]) return fail(res, 404, 'Webhook not found', 4040);
        if (req.method === 'GET') return json(res, 200, { ...hook, userId: state.userId });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { ...hook, userId: state.userId });
        }
      }
      return fail(res, 404, 'Not found', 4040);
    })().catch((err: unknown) => json(res, 500, { message: String(err), code: 500 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    apiBaseUrl: `${base}/api/v1`,
    failNext(count: number, status: number, body: unknown = { message: 'Internal Server Error', code: 500 }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async emit(id: string, payload: unknown, o: { token?: string | null; event?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake clockify: no webhook ${id}`);
      const token = o.token === undefined ? hook.authToken : o.token;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'clockify-webhook-event-type': o.event ?? hook.webhookEvent };
      if (token !== null) headers['clockify-signature'] = token;
      const res = await request(hook.url, { method: 'POST', headers, body: JSON.stringify(payload) });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
