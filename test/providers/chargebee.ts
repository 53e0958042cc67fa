// A fake Chargebee API v2 over real HTTP, one site per path prefix (`/{site}/api/v2/…`, standing for
// `https://{site}.chargebee.com/api/v2`), serving what the integration uses: `POST /webhook_endpoints` (form fields
// name, url, api_version, basic_auth_username, basic_auth_password, enabled_events[i] → `{webhook_endpoint: {id, name,
// url, api_version, disabled, primary_url, enabled_events}}`), `GET /webhook_endpoints/{id}` and
// `POST /webhook_endpoints/{id}/delete` (404 `resource_not_found` when unknown) — behind HTTP Basic `<api key>:` (empty
// password). Errors answer `{message, type, api_error_code, param?}` with the HTTP status. And Chargebee's side of
// webhooks: the event JSON POSTed to the endpoint's URL with `Authorization: Basic base64(user:password)` built here
// from the endpoint's stored credentials, independently of the integration.
//
// Docs followed: https://apidocs.chargebee.com/docs/api/webhook_endpoints (chargebee-node's endpoint table and
// WebhookEndpoint types), https://apidocs.chargebee.com/docs/api/events, https://apidocs.chargebee.com/docs/api/error-handling
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface ChargebeeEndpoint {
  id: string;
  site: string;
  name: string;
  url: string;
  apiVersion: string;
  disabled: boolean;
  username: string | null;
  password: string | null;
  enabledEvents: string[];
}

export interface FakeChargebee {
  url: string;
  site: string;
  apiKey: string;
  endpoints: Map<string, ChargebeeEndpoint>;
  deletedEndpoints: ChargebeeEndpoint[];
  requests: Array<{ method: string; site: string; path: string; auth: string | undefined; contentType: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** POST the event to the endpoint's URL with its Basic credentials (or `auth` instead), as Chargebee does. */
  deliver(id: string, event: unknown, opts?: { auth?: string | null }): Promise<{ status: number }>;
  close(): Promise<void>;
}

export const basicOf = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export async function startFakeChargebee(): Promise<FakeChargebee> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    site: 'acme-test',
    apiKey: 'test_cdcuPmFh8Ilxbx1LQmcdgrdPcuFxcdTX1Kc',
    endpoints: new Map<string, ChargebeeEndpoint>(),
    deletedEndpoints: [] as ChargebeeEndpoint[],
    requests: [] as FakeChargebee['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, code: string, message: string, param?: string) =>
    json(res, status, { message, type, api_error_code: code, ...(param ? { param } : {}), http_status_code: status });
  const view = (e: ChargebeeEndpoint) => ({
    id: e.id, name: e.name, url: e.url, api_version: e.apiVersion, disabled: e.disabled, primary_url: false, send_card_resource: false, enabled_events: e.enabledEvents, object: 'webhook_endpoint',
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      const m = /^\/([a-z0-9-]+)\/api\/v2(\/.*)$/.exec(url.pathname);
      state.requests.push({ method: req.method ?? 'GET', site: m?.[1] ?? '', path: m?.[2] ?? url.pathname, auth: req.headers.authorization, contentType: req.headers['content-type'], body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (!m || m[1] !== state.site) return error(res, 404, 'invalid_request', 'site_not_found', 'Sorry, we couldn\'t find that site');
      if (req.headers.authorization !== basicOf(state.apiKey, '')) {
        return error(res, 401, 'invalid_request', 'api_authentication_failed', 'Sorry, authentication failed. Invalid api key');
      }
      const path = m[2]!;
      if (req.method === 'POST' && path === '/webhook_endpoints') {
        if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
          return error(res, 400, 'invalid_request', 'param_wrong_value', 'Request body must be form encoded');
        }
        if (typeof body.name !== 'string' || body.name === '' || body.name.length > 50) return error(res, 400, 'invalid_request', 'param_wrong_value', 'name : cannot be blank', 'name');
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return error(res, 400, 'invalid_request', 'param_wrong_value', 'url : invalid url', 'url');
        if ([...state.endpoints.values()].some((e) => e.site === m[1] && e.name === body.name)) {
          return error(res, 400, 'invalid_request', 'duplicate_entry', 'name : already exists', 'name');
        }
        const enabledEvents = Object.keys(body).filter((k) => /^enabled_events\[\d+\]$/.test(k)).sort().map((k) => String(body[k]));
        if (!enabledEvents.every((e) => /^[a-z_]+$/.test(e))) return error(res, 400, 'invalid_request', 'param_wrong_value', 'enabled_events : invalid value', 'enabled_events');
        const endpoint: ChargebeeEndpoint = {
          id: `whep_${randomBytes(8).toString('hex')}`, site: m[1], name: body.name, url: body.url, apiVersion: body.api_version ?? 'v2', disabled: body.disabled === 'true',
          username: typeof body.basic_auth_username === 'string' ? body.basic_auth_username : null, password: typeof body.basic_auth_password === 'string' ? body.basic_auth_password : null,
          enabledEvents,
        };
        state.endpoints.set(endpoint.id, endpoint);
        return json(res, 200, { webhook_endpoint: view(endpoint) });
      }
      const one = /^\/webhook_endpoints\/([^/]+)(\/delete)?$/.exec(path);
      if (one) {
        const endpoint = state.endpoints.get(decodeURIComponent(one[1]!));
        if (!endpoint || endpoint.site !== m[1]) return error(res, 404, 'invalid_request', 'resource_not_found', `Sorry, we couldn't find that resource`);
        if (req.method === 'GET' && !one[2]) return json(res, 200, { webhook_endpoint: view(endpoint) });
        if (req.method === 'POST' && one[2]) {
          state.endpoints.delete(endpoint.id);
          state.deletedEndpoints.push(endpoint);
          return json(res, 200, { webhook_endpoint: view(endpoint) });
        }
      }
      return error(res, 404, 'invalid_request', 'resource_not_found', `Sorry, we couldn't find that resource`);
    })().catch((err: unknown) => error(res, 500, 'operation_failed', 'internal_error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { message: 'Sorry, something went wrong', type: 'operation_failed', api_error_code: 'internal_error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: string, event: unknown, o: { auth?: string | null } = {}) {
      const endpoint = state.endpoints.get(id);
      if (!endpoint) throw new Error(`fake chargebee: no webhook endpoint ${id}`);
      const auth = o.auth !== undefined ? o.auth : endpoint.username !== null ? basicOf(endpoint.username, endpoint.password ?? '') : null;
      const res = await request(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth !== null ? { authorization: auth } : {}) },
        body: JSON.stringify(event),
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
