// A fake Xero over real HTTP: organisations (tenants) holding invoices and contacts, behind the routes the
// integration uses —
// - `GET /connections`: the tenants the bearer token was granted (`[{id, tenantId, tenantType, tenantName, …}]`).
// - `GET /api.xro/2.0/Invoices` and `/Contacts` with the `xero-tenant-id` header, `If-Modified-Since` (records
//   whose UpdatedDateUTC is at or after it), `order=UpdatedDateUTC ASC` and `page` (100 records a page), answering `{Id, Status: "OK", ProviderName,
//   DateTimeUTC, Invoices: [...]}` with Microsoft JSON dates; an unsupported `order` is a 400 ValidationException.
// - auth: `Authorization: Bearer`; an unknown or expired token is 401 (problem body, TokenExpired); a tenant the
//   token was not granted is 403 (AuthenticationUnsuccessful); a missing xero-tenant-id is 400.
// - the OAuth token endpoint (`/connect/token`, `refresh_token` grant, client id and secret as HTTP Basic),
//   rotating the refresh token as Xero does (the old one stops working); an unknown refresh token is
//   `400 {"error":"invalid_grant"}`.
// - scripted failures (`failNext`): 429 with Retry-After and X-Rate-Limit-Problem, 5xx, 400.
// - Xero's side of webhooks: `notify` POSTs a payload signed `x-xero-signature` = base64 HMAC-SHA256 of the body
//   with the webhook key, signed with the SDK's signRequest from the scheme as Xero documents it.
//
// Docs followed: https://developer.xero.com/documentation/api/accounting/invoices,
// https://developer.xero.com/documentation/api/accounting/requests-and-responses (If-Modified-Since, paging),
// https://developer.xero.com/documentation/guides/oauth2/auth-flow (connections, xero-tenant-id, token endpoint),
// https://developer.xero.com/documentation/guides/oauth2/limits (429, Retry-After, X-Rate-Limit-Problem),
// https://github.com/XeroAPI/Xero-OpenAPI/blob/master/xero-webhooks.yaml (webhook payload and signature).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { signRequest, type HmacScheme } from '../../src/sdk/index.js';
import { readJsonOrFormBody } from '../helpers/request-body.js';

/** As documented by Xero, declared here independently of the integration's own scheme. */
export const XERO_WEBHOOK_SIGNATURE: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-xero-signature', encoding: 'base64' };

export type XeroResource = 'Invoices' | 'Contacts';
export type XeroRecord = Record<string, any> & { UpdatedDateUTC: string };

export interface FakeXero {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  webhookKey: string;
  /** access token → tenantIds */
  validTokens: Map<string, string[]>;
  refreshTokens: Map<string, string[]>;
  requests: Array<{ method: string; path: string; tenant: string | undefined; ifModifiedSince: string | undefined; search: string; auth: string | undefined; body: any }>;
  tokensFor(...tenantIds: string[]): { accessToken: string; refreshToken: string };
  create(tenantId: string, resource: XeroResource, fields?: Record<string, unknown>, opts?: { at?: number }): XeroRecord;
  update(tenantId: string, resource: XeroResource, id: string, fields?: Record<string, unknown>, opts?: { at?: number }): XeroRecord;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Accounting API reads, optionally of one tenant. */
  reads(tenantId?: string): FakeXero['requests'];
  notify(url: string, body: unknown, opts?: { secret?: string }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** `/Date(1573755038314+0000)/`: Xero's Microsoft JSON dates. */
export const msDate = (ms: number): string => `/Date(${ms}+0000)/`;
const ID_FIELD: Record<XeroResource, string> = { Invoices: 'InvoiceID', Contacts: 'ContactID' };
const problem = (status: number, title: string, detail: string) => ({ Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} });

export async function startFakeXero(opts: { now?: () => number } = {}): Promise<FakeXero> {
  const now = opts.now ?? Date.now;
  const pageSize = 100;
  const tenants = new Map<string, Map<XeroResource, XeroRecord[]>>();
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let tokens = 0;
  const state = {
    clientId: 'FAKEXEROCLIENTID0123456789ABCDEF',
    clientSecret: 'fake-xero-client-secret',
    webhookKey: 'fake-xero-webhook-key+Zm9vYmFy==',
    validTokens: new Map<string, string[]>(),
    refreshTokens: new Map<string, string[]>(),
    requests: [] as FakeXero['requests'],
  };
  const listOf = (tenant: string, resource: XeroResource): XeroRecord[] => {
    let t = tenants.get(tenant);
    if (!t) tenants.set(tenant, (t = new Map()));
    let l = t.get(resource);
    if (!l) t.set(resource, (l = []));
    return l;
  };
  const issue = (...ids: string[]) => {
    const accessToken = `xero-access-${++tokens}`;
    const refreshToken = `xero-refresh-${tokens}`;
    state.validTokens.set(accessToken, ids);
    state.refreshTokens.set(refreshToken, ids);
    return { accessToken, refreshToken };
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const ts = (r: XeroRecord) => Number(/\d+/.exec(r.UpdatedDateUTC)![0]);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : undefined;
      const tenantHeader = req.headers['xero-tenant-id'] as string | undefined;
      const ims = req.headers['if-modified-since'];
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, tenant: tenantHeader, ifModifiedSince: ims, search: url.search, auth: req.headers.authorization, body });
      if (req.method === 'POST' && url.pathname === '/connect/token') {
        const basic = `Basic ${Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return json(res, 400, { error: 'invalid_client' });
        const ids = body?.grant_type === 'refresh_token' ? state.refreshTokens.get(body.refresh_token) : undefined;
        if (ids === undefined) return json(res, 400, { error: 'invalid_grant' });
        state.refreshTokens.delete(body.refresh_token);
        const t = issue(...ids);
        return json(res, 200, { id_token: 'x', access_token: t.accessToken, expires_in: 1800, token_type: 'Bearer', refresh_token: t.refreshToken, scope: 'accounting.transactions.read accounting.contacts.read offline_access' });
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      const granted = token ? state.validTokens.get(token) : undefined;
      if (req.method !== 'GET') return json(res, 404, problem(404, 'Not Found', `no route ${url.pathname}`));
      if (granted === undefined) return json(res, 401, problem(401, 'Unauthorized', 'TokenExpired: token expired'), { 'www-authenticate': 'Bearer error="invalid_token"' });
      if (url.pathname === '/connections') {
        return json(res, 200, granted.map((tenantId, i) => ({ id: `c0000000-0000-4000-8000-00000000000${i}`, authEventId: 'd99ecdfe-391d-43d2-b834-17636ba90e8d', tenantId, tenantType: 'ORGANISATION', tenantName: `Org ${i + 1}` })));
      }
      const m = /^\/api\.xro\/2\.0\/(Invoices|Contacts)$/.exec(url.pathname);
      if (!m) return json(res, 404, problem(404, 'Not Found', `no route ${url.pathname}`));
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (!tenantHeader) return json(res, 400, problem(400, 'Bad Request', 'Missing xero-tenant-id header'));
      if (!granted.includes(tenantHeader)) return json(res, 403, problem(403, 'Forbidden', 'AuthenticationUnsuccessful'));
      const order = url.searchParams.get('order');
      if (order !== null && order !== 'UpdatedDateUTC ASC' && order !== 'UpdatedDateUTC') {
        return json(res, 400, { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [{ ValidationErrors: [{ Message: `Invalid order by clause ${order}` }] }] });
      }
      const since = ims === undefined ? -Infinity : Date.parse(ims);
      if (Number.isNaN(since)) return json(res, 400, problem(400, 'Bad Request', 'Invalid If-Modified-Since'));
      const resource = m[1] as XeroResource;
      const page = Number(url.searchParams.get('page') ?? '1');
      const all = listOf(tenantHeader, resource).filter((r) => ts(r) >= since).sort((a, b) => ts(a) - ts(b) || String(a[ID_FIELD[resource]]).localeCompare(String(b[ID_FIELD[resource]])));
      const slice = all.slice((page - 1) * pageSize, page * pageSize);
      return json(res, 200, { Id: randomUUID(), Status: 'OK', ProviderName: 'OpenTriggers test', DateTimeUTC: msDate(now()), [resource]: slice }, { 'x-daylimit-remaining': '4990', 'x-minlimit-remaining': '59' });
    })().catch((err) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    ...state,
    url,
    tokenUrl: `${url}/connect/token`,
    tokensFor: issue,
    create(tenantId, resource, fields = {}, o = {}) {
      const r: XeroRecord = { [ID_FIELD[resource]]: randomUUID(), ...(resource === 'Invoices' ? { Type: 'ACCREC', Status: 'DRAFT' } : { ContactStatus: 'ACTIVE' }), ...fields, UpdatedDateUTC: msDate(o.at ?? now()) };
      listOf(tenantId, resource).push(r);
      return structuredClone(r);
    },
    update(tenantId, resource, id, fields = {}, o = {}) {
      const r = listOf(tenantId, resource).find((x) => x[ID_FIELD[resource]] === id);
      if (!r) throw new Error(`no ${resource} ${id} in ${tenantId}`);
      Object.assign(r, fields, { UpdatedDateUTC: msDate(o.at ?? now()) });
      return structuredClone(r);
    },
    failNext(count, status, body = problem(status, 'Internal Server Error', 'An error occurred'), headers = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    reads(tenantId) {
      return state.requests.filter((r) => r.path.startsWith('/api.xro/') && (tenantId === undefined || r.tenant === tenantId));
    },
    async notify(target, payload, o = {}) {
      const raw = Buffer.from(JSON.stringify(payload));
      const headers = signRequest(XERO_WEBHOOK_SIGNATURE, { method: 'POST', url: new URL(target).pathname, headers: {}, rawBody: raw, publicUrl: target }, { secret: o.secret ?? state.webhookKey }, now());
      const r = await request(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
      return { status: r.statusCode, body: await r.body.text() };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
