// A fake Zoho Desk over real HTTP: the API (`/api/v1/...`, standing for https://desk.zoho.com/api/v1) and the Zoho
// accounts token endpoint (`POST /oauth/v2/token`, form-encoded).
//
// As documented (https://desk.zoho.com/DeskAPIDocument, https://desk.zoho.com/support/WebhookDocument.do): every call
// carries `Authorization: Zoho-oauthtoken <token>` (401 `{errorCode: "INVALID_OAUTH"}` otherwise) and, except
// `GET /organizations`, an `orgId` header naming a help desk the token reaches (`{errorCode: "UNAUTHORIZED"}`
// otherwise); errors are `{errorCode, message}`. `GET /organizations` → `{data: [{id, companyName, portalName,
// isDefault}]}`; `POST /webhooks` with `{url, name, subscriptions}` — event names from the documented list, each
// null or `{departmentIds?, includePrevState?}` — → the webhook with its `id` and `isEnabled`; `GET`/`DELETE
// /webhooks/{id}` (DELETE answers 204). Users without the Webhook permission get 403. And Zoho Desk's side: `emit`
// POSTs a JSON array of events `{eventType, eventTime, orgId, payload, prevState?}` to every enabled webhook
// subscribed to that event (and department), at the URL exactly as registered; an answer 410 removes the webhook.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const DOCUMENTED_EVENTS = ['Ticket_Add', 'Ticket_Update', 'Ticket_Delete', 'Ticket_Approval_Add', 'Ticket_Approval_Update', 'Ticket_Thread_Add', 'Ticket_Comment_Add', 'Ticket_Comment_Update', 'Contact_Add', 'Contact_Update', 'Contact_Delete', 'Account_Add', 'Account_Update', 'Account_Delete', 'Department_Add', 'Department_Update', 'Agent_Add', 'Agent_Update', 'Agent_Delete', 'Task_Add', 'Task_Update', 'Task_Delete', 'Call_Add', 'Call_Update', 'Call_Delete', 'Event_Add', 'Event_Update', 'Event_Delete', 'TimeEntry_Add', 'TimeEntry_Update', 'TimeEntry_Delete'];

export interface DeskHook {
  id: string;
  url: string;
  name: string;
  subscriptions: Record<string, { departmentIds?: string[]; includePrevState?: boolean } | null>;
  isEnabled: boolean;
}

export interface FakeZohoDesk {
  url: string;
  orgId: string;
  tokens: Set<string>;
  refreshTokens: Map<string, string>;
  departments: Set<string>;
  hooks: Map<string, DeskHook>;
  deletedHooks: DeskHook[];
  codes: Map<string, string>;
  clientId: string;
  clientSecret: string;
  /** The token answer's api_domain (none when null). */
  apiDomain: string | null;
  webhookPermission: boolean;
  requests: Array<{ method: string; path: string; auth: string | undefined; orgId: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Zoho Desk sends one event to each matching webhook; the answers by webhook id. */
  emit(event: Record<string, unknown>, opts?: { times?: number; url?: (hook: DeskHook) => string }): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startFakeZohoDesk(): Promise<FakeZohoDesk> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1;
  const state = {
    orgId: '60001280952',
    tokens: new Set<string>(),
    refreshTokens: new Map<string, string>(),
    departments: new Set<string>(['1892000000082069', '1892000000006907']),
    hooks: new Map<string, DeskHook>(),
    deletedHooks: [] as DeskHook[],
    codes: new Map<string, string>(),
    clientId: '1000.DESKCLIENT',
    clientSecret: 'desk-client-secret',
    apiDomain: null as string | null,
    webhookPermission: true,
    requests: [] as FakeZohoDesk['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const err = (res: ServerResponse, status: number, errorCode: string, message: string) => json(res, status, { errorCode, message });
  const present = (h: DeskHook) => ({ id: h.id, url: h.url, name: h.name, description: null, subscriptions: h.subscriptions, isEnabled: h.isEnabled, createdBy: '1892000000056007', createdTime: '2026-12-08T08:00:00.000Z', ignoreSourceId: null });
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PATCH' ? await readJsonOrFormBody(req) : {};
      const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
      const orgHeader = typeof req.headers.orgid === 'string' ? req.headers.orgid : undefined;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth, orgId: orgHeader, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);

      if (req.method === 'POST' && url.pathname === '/oauth/v2/token') {
        const form = body as Record<string, string>;
        if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret) return json(res, 200, { error: 'invalid_client' });
        let access: string | undefined;
        if (form.grant_type === 'authorization_code') {
          access = state.codes.get(form.code ?? '');
          state.codes.delete(form.code ?? '');
        } else if (form.grant_type === 'refresh_token') access = state.refreshTokens.get(form.refresh_token ?? '');
        if (!access) return json(res, 200, { error: 'invalid_code' });
        state.tokens.add(access);
        const refresh = form.grant_type === 'authorization_code' ? { refresh_token: `refresh-${access}` } : {};
        if (form.grant_type === 'authorization_code') state.refreshTokens.set(`refresh-${access}`, `${access}-2`);
        return json(res, 200, { access_token: access, ...refresh, ...(state.apiDomain ? { api_domain: state.apiDomain } : {}), token_type: 'Bearer', expires_in: 3600 });
      }

      if (!url.pathname.startsWith('/api/v1/')) return err(res, 404, 'URL_NOT_FOUND', 'The URL you requested could not be found');
      const token = auth?.startsWith('Zoho-oauthtoken ') ? auth.slice('Zoho-oauthtoken '.length) : undefined;
      if (!token || !state.tokens.has(token)) return err(res, 401, 'INVALID_OAUTH', 'The OAuth Token you provided is invalid.');
      const path = url.pathname.slice('/api/v1'.length);
      if (req.method === 'GET' && path === '/organizations') {
        return json(res, 200, { data: [{ id: 60001280999, companyName: 'Other desk', portalName: 'other', isDefault: false }, { id: Number(state.orgId), companyName: 'Zylker', portalName: 'zylker', isDefault: true, edition: 'ENTERPRISE' }] });
      }
      if (orgHeader !== state.orgId) return err(res, 400, 'UNAUTHORIZED', 'You are not authorized to access this organization.');

      if (req.method === 'POST' && path === '/webhooks') {
        if (!state.webhookPermission) return err(res, 403, 'FORBIDDEN', 'You do not have sufficient permission to perform this operation.');
        const b = body as Record<string, any>;
        if (typeof b?.url !== 'string' || !/^https?:\/\//.test(b.url)) return err(res, 422, 'INVALID_DATA', 'The data you entered is invalid: url');
        if (typeof b.name !== 'string' || b.name === '') return err(res, 422, 'INVALID_DATA', 'The data you entered is invalid: name');
        const subs = b.subscriptions;
        if (!subs || typeof subs !== 'object' || Object.keys(subs).length === 0) return err(res, 422, 'INVALID_DATA', 'The data you entered is invalid: subscriptions');
        for (const [event, opts] of Object.entries(subs as Record<string, any>)) {
          if (!DOCUMENTED_EVENTS.includes(event)) return err(res, 422, 'INVALID_DATA', `The data you entered is invalid: subscriptions.${event}`);
          if (opts === null) continue;
          if (typeof opts !== 'object') return err(res, 422, 'INVALID_DATA', `The data you entered is invalid: subscriptions.${event}`);
          if (opts.departmentIds !== undefined && (!Array.isArray(opts.departmentIds) || opts.departmentIds.some((d: unknown) => typeof d !== 'string' || !state.departments.has(d)))) {
            return err(res, 422, 'INVALID_DATA', `The data you entered is invalid: subscriptions.${event}.departmentIds`);
          }
          if (opts.includePrevState !== undefined && (typeof opts.includePrevState !== 'boolean' || event !== 'Ticket_Update')) return err(res, 422, 'INVALID_DATA', `The data you entered is invalid: subscriptions.${event}.includePrevState`);
        }
        const hook: DeskHook = { id: String(1892000000300000 + nextId++), url: b.url, name: b.name, subscriptions: subs, isEnabled: true };
        state.hooks.set(hook.id, hook);
        return json(res, 200, present(hook));
      }
      const one = /^\/webhooks\/([0-9]+)$/.exec(path);
      if (one) {
        const hook = state.hooks.get(one[1]!);
        if (!hook) return err(res, 404, 'URL_NOT_FOUND', 'The URL you requested could not be found');
        if (req.method === 'GET') return json(res, 200, present(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204);
          return res.end();
        }
      }
      return err(res, 404, 'URL_NOT_FOUND', 'The URL you requested could not be found');
    })().catch((e: unknown) => err(res, 500, 'INTERNAL_SERVER_ERROR', String(e)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { errorCode: 'INTERNAL_SERVER_ERROR', message: 'Internal error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async emit(event: Record<string, unknown>, o: { times?: number; url?: (hook: DeskHook) => string } = {}) {
      const answers: Record<string, number> = {};
      const type = String(event.eventType);
      const department = (event.payload as { departmentId?: string } | undefined)?.departmentId;
      for (const hook of [...state.hooks.values()]) {
        if (!hook.isEnabled || !(type in hook.subscriptions)) continue;
        const opts = hook.subscriptions[type];
        if (opts?.departmentIds && opts.departmentIds.length > 0 && !opts.departmentIds.includes(String(department))) continue;
        const sent: Record<string, unknown> = { ...event, orgId: event.orgId ?? state.orgId };
        if (!opts?.includePrevState) delete sent.prevState;
        for (let i = 0; i < (o.times ?? 1); i++) {
          const r = await request(o.url ? o.url(hook) : hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([sent]) });
          await r.body.text();
          answers[hook.id] = r.statusCode;
          if (r.statusCode === 410) state.hooks.delete(hook.id);
        }
      }
      return answers;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
