// A fake Zoho CRM over real HTTP, serving both the accounts server (token endpoint) and one data centre's API
// domain (its base URL is the `api_domain` it hands out). What the integration uses, as Zoho documents it:
// - `GET /crm/v2/{module}`: `sort_by` (id, Created_Time, Modified_Time), `sort_order` (asc/desc, default desc),
//   `per_page` (at most 200), `page`, the `If-Modified-Since` header (only records modified after it — strictly,
//   the stricter reading of an undocumented detail), `{data, info: {per_page, count, page, more_records}}`,
//   204 when there are no records at all, 304 when none was modified since the header's instant; 400
//   INVALID_MODULE for an unknown module.
// - `GET /crm/v2/org` (the sample organization).
// - `Authorization: Zoho-oauthtoken <token>` or `Bearer <token>`; anything else 401 INVALID_TOKEN.
// - `POST /oauth/v2/token` with grant_type=refresh_token and client_id/client_secret as form fields or query
//   parameters: a new access token and the api_domain, no new refresh token.
// Timestamps are written as Zoho writes them: to the second, with the user's offset (+05:30 unless changed).
// Docs: https://www.zoho.com/crm/developer/docs/api/v2/get-records.html,
// https://www.zoho.com/crm/developer/docs/api/v2/get-org-data.html,
// https://www.zoho.com/accounts/protocol/oauth/use-access-token.html,
// https://www.zoho.com/accounts/protocol/oauth/multi-dc/client-authorization.html
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonOrFormBody } from '../helpers/request-body.js';
import errors from '../../src/integrations/zohocrm/fixtures/errors.json' with { type: 'json' };
import org from '../../src/integrations/zohocrm/fixtures/org.json' with { type: 'json' };

export const zohoErrorBodies = errors;

export interface FakeZohoRecord {
  id: string;
  created: number;
  modified: number;
  fields: Record<string, unknown>;
}

export interface RecordedZohoRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
  ifModifiedSince: string | undefined;
  body: any;
}

export interface FakeZohoCrm {
  /** The API domain (what `api_domain` says) and the accounts server at once. */
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  records: Map<string, FakeZohoRecord[]>;
  requests: RecordedZohoRequest[];
  /** The connecting user's time zone offset, in which Zoho writes timestamps (a user may change it). */
  offsetMinutes: number;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  add(module: string, r: { created: number; modified?: number; fields?: Record<string, unknown>; id?: string }): FakeZohoRecord;
  touch(module: string, id: string, at: number, fields?: Record<string, unknown>): void;
  listCalls(module?: string): RecordedZohoRequest[];
  close(): Promise<void>;
}

const MODULES = ['Leads', 'Contacts', 'Accounts', 'Deals', 'Tasks'];
/** Zoho's way: seconds, the user's offset (+05:30 unless given) — 2019-05-02T11:17:33+05:30. */
export function zohoTime(t: number, offsetMinutes = 330): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return new Date(Math.floor(t / 1000) * 1000 + offsetMinutes * 60_000).toISOString().replace(/\.\d{3}Z$/, offset);
}

export async function startFakeZohoCrm(): Promise<FakeZohoCrm> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 3652397000000190000n;
  let base = '';
  const state = {
    clientId: '1000.GMB0YULZHJK411248S8I5GZ4CHUEX0',
    clientSecret: 'zoho-client-secret',
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    records: new Map<string, FakeZohoRecord[]>(MODULES.map((m) => [m, []])),
    requests: [] as RecordedZohoRequest[],
    offsetMinutes: 330,
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const empty = (res: ServerResponse, status: number) => {
    res.writeHead(status);
    res.end();
  };
  const view = (module: string, r: FakeZohoRecord) => ({
    Owner: { name: 'Patricia Boyle', id: '3652397000000186017', email: 'p.boyle@zylker.com' },
    ...r.fields,
    id: r.id,
    Created_Time: zohoTime(r.created, state.offsetMinutes),
    Modified_Time: zohoTime(r.modified, state.offsetMinutes),
    $editable: true,
    ...(module === 'Leads' ? { $converted: false } : {}),
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      const query = Object.fromEntries(url.searchParams);
      const ims = req.headers['if-modified-since'];
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, auth: req.headers.authorization, ifModifiedSince: typeof ims === 'string' ? ims : undefined, body });

      if (req.method === 'POST' && url.pathname === '/oauth/v2/token') {
        const p = { ...query, ...body } as Record<string, string>;
        if (p.client_id !== state.clientId || p.client_secret !== state.clientSecret) return json(res, 200, { error: 'invalid_client' });
        if (p.grant_type !== 'refresh_token' || !p.refresh_token || !state.refreshTokens.has(p.refresh_token)) return json(res, 200, { error: 'invalid_code' });
        const accessToken = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
        state.validTokens.add(accessToken);
        return json(res, 200, { access_token: accessToken, api_domain: base, token_type: 'Bearer', expires_in: 3600 });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = /^(?:Zoho-oauthtoken|Bearer) (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !state.validTokens.has(token)) return json(res, 401, errors.invalidToken);

      if (req.method === 'GET' && url.pathname === '/crm/v2/org') return json(res, 200, org);
      const m = /^\/crm\/v2\/([A-Za-z_]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const module = m[1]!;
        const list = state.records.get(module);
        if (!list) return json(res, 400, errors.invalidModule);
        const sortBy = query.sort_by ?? 'id';
        const order = query.sort_order ?? 'desc';
        const perPage = Number(query.per_page ?? 200);
        const page = Number(query.page ?? 1);
        if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy) || !['asc', 'desc'].includes(order)) {
          return json(res, 400, { code: 'INVALID_DATA', details: { param_name: 'sort_by' }, message: 'invalid data', status: 'error' });
        }
        if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200 || !Number.isInteger(page) || page < 1) {
          return json(res, 400, { code: 'INVALID_DATA', details: {}, message: 'invalid data', status: 'error' });
        }
        if (list.length === 0) return empty(res, 204);
        let rows = [...list];
        if (typeof ims === 'string') {
          const since = Date.parse(ims);
          if (!Number.isFinite(since)) return json(res, 400, { code: 'INVALID_DATA', details: { header_name: 'If-Modified-Since' }, message: 'invalid data', status: 'error' });
          rows = rows.filter((r) => Math.floor(r.modified / 1000) * 1000 > since);
          if (rows.length === 0) return empty(res, 304);
        }
        const key = (r: FakeZohoRecord) => (sortBy === 'Created_Time' ? Math.floor(r.created / 1000) : sortBy === 'Modified_Time' ? Math.floor(r.modified / 1000) : 0);
        rows.sort((a, b) => key(a) - key(b) || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        if (order === 'desc') rows.reverse();
        const slice = rows.slice((page - 1) * perPage, page * perPage);
        if (slice.length === 0) return empty(res, 204);
        return json(res, 200, { data: slice.map((r) => view(module, r)), info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < rows.length } });
      }
      return json(res, 404, { code: 'INVALID_URL_PATTERN', details: {}, message: 'Please check if the URL trying to access is a correct one', status: 'error' });
    })().catch((err: unknown) => json(res, 500, { code: 'INTERNAL_ERROR', details: {}, message: String(err), status: 'error' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeZohoCrm = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/oauth/v2/token`,
    failNext(count: number, status: number, body: unknown = { code: 'INTERNAL_ERROR', details: {}, message: 'Internal server error', status: 'error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    add(module: string, r: { created: number; modified?: number; fields?: Record<string, unknown>; id?: string }) {
      const rec: FakeZohoRecord = { id: r.id ?? String(nextId++), created: r.created, modified: r.modified ?? r.created, fields: r.fields ?? {} };
      state.records.get(module)!.push(rec);
      return rec;
    },
    touch(module: string, id: string, at: number, fields: Record<string, unknown> = {}) {
      const rec = state.records.get(module)!.find((x) => x.id === id);
      if (!rec) throw new Error(`fake zoho: no ${module} record ${id}`);
      rec.modified = at;
      Object.assign(rec.fields, fields);
    },
    listCalls(module?: string) {
      return state.requests.filter((q) => q.method === 'GET' && /^\/crm\/v2\/(?!org$)/.test(q.path) && (module === undefined || q.path === `/crm/v2/${module}`));
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
