// A fake Copper (Developer API v1) over real HTTP: what the integration uses — `POST /webhooks` ({target, type,
// event, secret} → the subscription with its numeric id), `DELETE /webhooks/{id}` (404 when unknown), and
// `GET /leads|people|companies|opportunities/{id}` (404 when unknown) — behind Copper's three headers
// (X-PW-AccessToken, X-PW-Application: developer_api, X-PW-UserEmail of the key's owner). Errors answer
// `{"success": false, "status", "message"}`. And Copper's side of webhooks: a notification body
// `{ids, type, event, subscription_id, updated_attributes?, timestamp, ...secret pairs}` POSTed to the target.
//
// Docs followed: https://developer.copper.com/introduction/requests.html,
// https://developer.copper.com/webhooks/create-new-subscription.html,
// https://developer.copper.com/webhooks/notification-example.html
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export type CopperType = 'lead' | 'person' | 'company' | 'opportunity' | 'project' | 'task';

export interface CopperHook {
  id: number;
  target: string;
  type: CopperType;
  event: 'new' | 'update' | 'delete';
  secret: Record<string, string>;
  created_at: number;
}

export interface FakeCopper {
  apiBaseUrl: string;
  apiKey: string;
  userEmail: string;
  hooks: Map<number, CopperHook>;
  deletedHooks: CopperHook[];
  records: Record<'lead' | 'person' | 'company' | 'opportunity', Map<number, Record<string, unknown>>>;
  requests: Array<{ method: string; path: string; headers: Record<string, string | string[] | undefined>; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Store a record Copper would answer for `GET /{records}/{id}`. */
  put(type: 'lead' | 'person' | 'company' | 'opportunity', record: Record<string, unknown> & { id: number }): void;
  /** POST a notification for the hook's type/event, echoing its secret pairs (or `secret` instead). */
  notify(id: number, ids: number[], opts?: { updated_attributes?: Record<string, [unknown, unknown]>; secret?: Record<string, string>; timestamp?: string }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const TYPES = ['lead', 'person', 'company', 'opportunity', 'project', 'task'];
const EVENTS = ['new', 'update', 'delete'];
const PATHS: Record<string, 'lead' | 'person' | 'company' | 'opportunity'> = { leads: 'lead', people: 'person', companies: 'company', opportunities: 'opportunity' };

export async function startFakeCopper(): Promise<FakeCopper> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let seq = 17065;
  const state = {
    apiKey: 'b1f0c3a2d4e5f60718293a4b5c6d7e8f',
    userEmail: 'demouser@example.com',
    hooks: new Map<number, CopperHook>(),
    deletedHooks: [] as CopperHook[],
    records: { lead: new Map(), person: new Map(), company: new Map(), opportunity: new Map() } as FakeCopper['records'],
    requests: [] as FakeCopper['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, message: string) => json(res, status, { success: false, status, message });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers['x-pw-accesstoken'] !== state.apiKey || req.headers['x-pw-application'] !== 'developer_api' || req.headers['x-pw-useremail'] !== state.userEmail) {
        return fail(res, 401, 'Invalid credentials');
      }
      const path = url.pathname.replace(/^\/developer_api\/v1/, '');
      if (req.method === 'POST' && path === '/webhooks') {
        if (typeof body.target !== 'string' || !/^https?:\/\//.test(body.target)) return fail(res, 422, 'Invalid input: Invalid URI For External Resource');
        if (!TYPES.includes(body.type)) return fail(res, 422, 'Invalid input: type');
        if (!EVENTS.includes(body.event)) return fail(res, 422, 'Invalid input: event');
        const secret = body.secret && typeof body.secret === 'object' ? (body.secret as Record<string, string>) : {};
        const hook: CopperHook = { id: seq++, target: body.target, type: body.type, event: body.event, secret, created_at: Math.floor(Date.now() / 1000) };
        state.hooks.set(hook.id, hook);
        return json(res, 200, hook);
      }
      const hookPath = /^\/webhooks\/(\d+)$/.exec(path);
      if (hookPath && req.method === 'DELETE') {
        const hook = state.hooks.get(Number(hookPath[1]));
        if (!hook) return fail(res, 404, 'Resource not found');
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        return json(res, 200, { id: hook.id });
      }
      const recordPath = /^\/(leads|people|companies|opportunities)\/(\d+)$/.exec(path);
      if (recordPath && req.method === 'GET') {
        const record = state.records[PATHS[recordPath[1]!]!].get(Number(recordPath[2]));
        return record ? json(res, 200, record) : fail(res, 404, 'Resource not found');
      }
      return fail(res, 404, 'Resource not found');
    })().catch((err: unknown) => json(res, 500, { success: false, status: 500, message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    apiBaseUrl: `${base}/developer_api/v1`,
    failNext(count: number, status: number, body: unknown = { success: false, status, message: 'Internal Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    put(type: 'lead' | 'person' | 'company' | 'opportunity', record: Record<string, unknown> & { id: number }) {
      state.records[type].set(record.id, record);
    },
    async notify(id: number, ids: number[], o: { updated_attributes?: Record<string, [unknown, unknown]>; secret?: Record<string, string>; timestamp?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake copper: no webhook ${id}`);
      const body = JSON.stringify({
        ids, type: hook.type, event: hook.event, subscription_id: hook.id,
        ...(hook.event === 'update' ? { updated_attributes: o.updated_attributes ?? {} } : {}),
        timestamp: o.timestamp ?? new Date().toISOString(),
        ...(o.secret ?? hook.secret),
      });
      const res = await request(hook.target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
