// A fake Gorgias helpdesk over real HTTP, on its per-account path (`/{domain}/api`, standing for
// https://{domain}.gorgias.com/api): HTTP Basic with the user's email and API key (or a Bearer OAuth token),
// `POST /integrations` (type http: url, method, content types, headers, form template, triggers → the integration
// with its id), `GET`/`DELETE /integrations/{id}` (404 when unknown), `GET /tickets/{id}`,
// `GET /tickets/{ticket_id}/messages/{id}`, `GET /account`. Errors answer `{"error": {"msg": …}}`; 429 carries
// Retry-After. And Gorgias's side of an HTTP integration: on an event it renders the form template
// (`{{ticket.id}}`, `{{message.id}}`) and POSTs it as JSON with the integration's headers.
//
// Docs followed: https://developers.gorgias.com/docs/access-tokens-api-keys,
// https://developers.gorgias.com/reference/integrations, https://developers.gorgias.com/reference/limitations
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface GorgiasHttpIntegration {
  id: number;
  name: string;
  type: 'http';
  http: { url: string; method: string; request_content_type: string; response_content_type: string; headers: Record<string, string>; form: Record<string, unknown>; triggers: Record<string, boolean> };
  created_datetime: string;
  deactivated_datetime: string | null;
}

export interface FakeGorgias {
  url: string;
  domain: string;
  apiBaseUrl: string;
  email: string;
  apiKey: string;
  /** What Gorgias expects after `Authorization: Basic` for a key: base64("email:api-key"). */
  basicPair: string;
  integrations: Map<number, GorgiasHttpIntegration>;
  deleted: GorgiasHttpIntegration[];
  tickets: Map<number, Record<string, unknown>>;
  messages: Map<number, Record<string, unknown>>;
  requests: Array<{ method: string; path: string; headers: Record<string, string | string[] | undefined>; body: any }>;
  /** OAuth app: `POST /{domain}/oauth/token` with HTTP Basic client authentication. */
  clientId: string;
  clientSecret: string;
  codes: Map<string, string>;
  tokens: Set<string>;
  tokenRequests: Array<Record<string, string>>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Fire an event at every integration with that trigger (or only `only`), with `headers` replacing the registered ones. */
  fire(event: string, context: { ticketId: number; messageId?: number }, opts?: { only?: number; headers?: Record<string, string> }): Promise<number[]>;
  close(): Promise<void>;
}

const TRIGGERS = ['ticket-created', 'ticket-updated', 'ticket-message-created', 'ticket-self-unsnoozed', 'ticket-message-failed'];

function render(template: unknown, ctx: Record<string, string>): unknown {
  if (typeof template === 'string') return template.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (_m, name: string) => ctx[name] ?? '');
  if (Array.isArray(template)) return template.map((v) => render(v, ctx));
  if (template && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, render(v, ctx)]));
  return template;
}

export async function startFakeGorgias(): Promise<FakeGorgias> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let seq = 501;
  const email = 'admin@acme.example';
  const apiKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
  const state = {
    domain: 'acme',
    email,
    apiKey,
    basicPair: Buffer.from(`${email}:${apiKey}`).toString('base64'),
    integrations: new Map<number, GorgiasHttpIntegration>(),
    deleted: [] as GorgiasHttpIntegration[],
    tickets: new Map<number, Record<string, unknown>>(),
    messages: new Map<number, Record<string, unknown>>(),
    requests: [] as FakeGorgias['requests'],
    clientId: 'gorgias-client-id',
    clientSecret: 'gorgias-client-secret',
    codes: new Map<string, string>(),
    tokens: new Set<string>(),
    tokenRequests: [] as Array<Record<string, string>>,
  };
  let refreshSeq = 1;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, msg: string) => json(res, status, { error: { msg } });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.method === 'POST' && url.pathname === `/${state.domain}/oauth/token`) {
        const form = Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        state.tokenRequests.push(form);
        if (req.headers.authorization !== `Basic ${Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64')}`) return json(res, 401, { error: 'invalid_client' });
        let access: string | undefined;
        if (form.grant_type === 'authorization_code') access = state.codes.get(form.code ?? '');
        else if (form.grant_type === 'refresh_token' && form.refresh_token === 'gorgias-refresh-1') access = `gorgias-token-refreshed-${refreshSeq++}`;
        if (!access) return json(res, 400, { error: 'invalid_grant' });
        state.codes.delete(form.code ?? '');
        state.tokens.add(access);
        return json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 86400, refresh_token: 'gorgias-refresh-1', scope: 'openid email profile offline write:all' });
      }
      const prefix = `/${state.domain}/api`;
      if (!url.pathname.startsWith(`${prefix}/`)) return fail(res, 404, 'Not found');
      const auth = req.headers.authorization ?? '';
      const bearer = auth.startsWith('Bearer ') && state.tokens.has(auth.slice(7));
      if (auth !== `Basic ${state.basicPair}` && !bearer) return fail(res, 401, 'Unauthorized');
      const path = url.pathname.slice(prefix.length).replace(/\/$/, '');
      if (req.method === 'GET' && path === '/account') return json(res, 200, { domain: state.domain, status: { status: 'active' } });
      if (req.method === 'POST' && path === '/integrations') {
        const http = body.http;
        if (body.type !== 'http' || !http || typeof http !== 'object') return fail(res, 400, 'type: must be http with an http object');
        if (typeof http.url !== 'string' || !/^https?:\/\//.test(http.url)) return fail(res, 400, 'http.url: Not a valid URL.');
        if (!['GET', 'POST', 'PUT', 'DELETE'].includes(http.method)) return fail(res, 400, 'http.method: invalid');
        const triggers = http.triggers && typeof http.triggers === 'object' ? (http.triggers as Record<string, boolean>) : {};
        if (Object.keys(triggers).some((k) => !TRIGGERS.includes(k))) return fail(res, 400, 'http.triggers: unknown trigger');
        const hook: GorgiasHttpIntegration = {
          id: seq++, name: String(body.name ?? ''), type: 'http',
          http: { url: http.url, method: http.method, request_content_type: http.request_content_type, response_content_type: http.response_content_type, headers: http.headers ?? {}, form: http.form ?? {}, triggers },
          created_datetime: new Date().toISOString().replace('Z', ''), deactivated_datetime: null,
        };
        state.integrations.set(hook.id, hook);
        return json(res, 201, hook);
      }
      const integration = /^\/integrations\/(\d+)$/.exec(path);
      if (integration) {
        const hook = state.integrations.get(Number(integration[1]));
        if (!hook) return fail(res, 404, 'Integration not found');
        if (req.method === 'GET') return json(res, 200, hook);
        if (req.method === 'DELETE') {
          state.integrations.delete(hook.id);
          state.deleted.push(hook);
          res.writeHead(204).end();
          return;
        }
      }
      const ticket = /^\/tickets\/(\d+)$/.exec(path);
      if (ticket && req.method === 'GET') {
        const t = state.tickets.get(Number(ticket[1]));
        return t ? json(res, 200, t) : fail(res, 404, 'Ticket not found');
      }
      const message = /^\/tickets\/(\d+)\/messages\/(\d+)$/.exec(path);
      if (message && req.method === 'GET') {
        const m = state.messages.get(Number(message[2]));
        return m && m.ticket_id === Number(message[1]) ? json(res, 200, m) : fail(res, 404, 'Message not found');
      }
      return fail(res, 404, 'Not found');
    })().catch((err: unknown) => fail(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/{domain}/api`,
    failNext(count: number, status: number, body: unknown = { error: { msg: 'Internal Server Error' } }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async fire(event: string, context: { ticketId: number; messageId?: number }, opts: { only?: number; headers?: Record<string, string> } = {}) {
      const statuses: number[] = [];
      for (const hook of state.integrations.values()) {
        if (!hook.http.triggers[event] || hook.deactivated_datetime || (opts.only !== undefined && hook.id !== opts.only)) continue;
        const vars = { 'ticket.id': String(context.ticketId), ...(context.messageId !== undefined ? { 'message.id': String(context.messageId) } : {}) };
        const res = await request(hook.http.url, {
          method: 'POST',
          headers: { 'content-type': hook.http.request_content_type, ...(opts.headers ?? hook.http.headers) },
          body: JSON.stringify(render(hook.http.form, vars)),
        });
        await res.body.text();
        statuses.push(res.statusCode);
      }
      return statuses;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
