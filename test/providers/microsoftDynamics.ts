// A fake Dataverse organization (Dynamics 365 Sales) over real HTTP, serving both the Microsoft identity platform's
// v2.0 token endpoint and one organization's Web API (its base URL is the organization URL). What the integration
// uses, as Microsoft documents it:
// - `GET /api/data/v9.2/{entitySet}` for leads, contacts, accounts, opportunities with `$filter` (here only
//   `<createdon|modifiedon> ge <instant>`, optionally `and <same> lt <instant>`), `$orderby` (`<column> asc,<id> asc`),
//   `Prefer: odata.maxpagesize=n` (at most 5000, the default; answered with Preference-Applied), `$skip` refused, an
//   `@odata.nextLink` carrying a `$skiptoken` on the organization URL, rows with `@odata.etag`, `versionnumber` and
//   timestamps to the second in UTC (`Z`). An unknown entity set: 404 0x8006088a; an unknown column: 400.
// - `GET /api/data/v9.2/WhoAmI`.
// - `Authorization: Bearer <token>`; anything else 401 (0x8005F101).
// - `POST /common/oauth2/v2.0/token` (authorization_code, refresh_token — which requires `scope`): tokens and the
//   granted scope (without offline_access), a new refresh token each time; `invalid_grant` for unknown ones.
// Docs: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results,
// https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows,
// https://learn.microsoft.com/power-apps/developer/data-platform/api-limits,
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import errors from '../../src/integrations/microsoftDynamics/fixtures/errors.json' with { type: 'json' };
import whoami from '../../src/integrations/microsoftDynamics/fixtures/whoami.json' with { type: 'json' };

export const dataverseErrorBodies = errors;

export interface FakeRow {
  id: string;
  created: number;
  modified: number;
  version: number;
  fields: Record<string, unknown>;
}

export interface RecordedDataverseRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
  prefer: string | undefined;
  odataVersion: string | undefined;
  body: URLSearchParams | null;
}

export interface FakeDataverse {
  /** The organization URL (what `orgUrl` says) and the identity platform host at once. */
  url: string;
  tokenUrl: string;
  authorizationUrl: string;
  clientId: string;
  clientSecret: string;
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  codes: Set<string>;
  /** What the user consented to at the authorize step (returned when a code is redeemed without `scope`). */
  grantedScope: string;
  rows: Map<string, FakeRow[]>;
  requests: RecordedDataverseRequest[];
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  add(entitySet: string, r: { created: number; modified?: number; fields?: Record<string, unknown>; id?: string }): FakeRow;
  touch(entitySet: string, id: string, at: number, fields?: Record<string, unknown>): FakeRow;
  listCalls(entitySet?: string): RecordedDataverseRequest[];
  tokenCalls(): RecordedDataverseRequest[];
  close(): Promise<void>;
}

const SETS: Record<string, { id: string; type: string }> = {
  leads: { id: 'leadid', type: 'lead' },
  contacts: { id: 'contactid', type: 'contact' },
  accounts: { id: 'accountid', type: 'account' },
  opportunities: { id: 'opportunityid', type: 'opportunity' },
};

/** Dataverse's way: UTC, to the second, with Z. */
export function dataverseTime(t: number): string {
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeDataverse(): Promise<FakeDataverse> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let n = 0;
  let version = 72201545;
  let tokenN = 0;
  let base = '';
  const state = {
    clientId: '51f81489-12ee-4a9e-aaae-a2591f45987d',
    clientSecret: 'dataverse-client-secret',
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    codes: new Set<string>(),
    rows: new Map<string, FakeRow[]>(Object.keys(SETS).map((s) => [s, []])),
    requests: [] as RecordedDataverseRequest[],
  };
  const nextGuid = () => `${(0x49b0be2e + ++n).toString(16).padStart(8, '0')}-d01c-ed11-b83e-000d3a572421`;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0', ...headers });
    res.end(JSON.stringify(body));
  };
  const view = (set: string, r: FakeRow) => ({
    '@odata.etag': `W/"${r.version}"`,
    ...r.fields,
    [SETS[set]!.id]: r.id,
    createdon: dataverseTime(r.created),
    modifiedon: dataverseTime(r.modified),
    versionnumber: r.version,
    statecode: 0,
  });

  const token = (res: ServerResponse, form: URLSearchParams) => {
    if (form.get('client_id') !== state.clientId || form.get('client_secret') !== state.clientSecret) {
      return json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    }
    const grant = form.get('grant_type');
    const ok = grant === 'authorization_code' ? state.codes.delete(form.get('code') ?? '') : grant === 'refresh_token' && state.refreshTokens.has(form.get('refresh_token') ?? '');
    if (!ok) return json(res, 400, { error: 'invalid_grant', error_description: 'AADSTS70000: The provided value for the grant is not valid.', error_codes: [70000] });
    // `scope` is optional when a code is redeemed (the consented scopes apply) and required on a refresh.
    if (grant === 'refresh_token' && !form.get('scope')) return json(res, 400, { error: 'invalid_request', error_description: "AADSTS900144: The request body must contain the following parameter: 'scope'.", error_codes: [900144] });
    const accessToken = `eyJ0eXAi.dataverse-${++tokenN}`;
    const refreshToken = `0.AXEA-refresh-${tokenN}`;
    state.validTokens.add(accessToken);
    state.refreshTokens.add(refreshToken);
    const scope = (form.get('scope') ?? fake.grantedScope).split(' ').filter((s) => s !== 'offline_access' && s !== 'openid' && s !== 'profile').join(' ');
    return json(res, 200, { token_type: 'Bearer', scope, expires_in: 3599, ext_expires_in: 3599, access_token: accessToken, refresh_token: refreshToken });
  };

  const list = (res: ServerResponse, set: string, q: URLSearchParams, prefer: string | undefined) => {
    const rows = state.rows.get(set);
    if (!rows) return json(res, 404, { error: { code: '0x8006088a', message: `Resource not found for the segment '${set}'.` } });
    if (q.has('$skip')) return json(res, 400, { error: { code: '0x80060888', message: 'The query parameter $skip is not supported.' } });
    const idCol = SETS[set]!.id;
    let list = [...rows];
    const filter = q.get('$filter');
    if (filter !== null) {
      const m = /^(createdon|modifiedon) ge (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)(?: and \1 lt (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ))?$/.exec(filter);
      if (!m) return json(res, 400, { error: { code: '0x80060888', message: `Syntax error or unsupported filter: '${filter}'.` } });
      const col = m[1] === 'createdon' ? 'created' : 'modified';
      const from = Date.parse(m[2]!);
      const until = m[3] ? Date.parse(m[3]) : Infinity;
      list = list.filter((r) => Math.floor(r[col] / 1000) * 1000 >= from && Math.floor(r[col] / 1000) * 1000 < until);
    }
    const orderby = q.get('$orderby');
    if (orderby !== null) {
      const m = new RegExp(`^(createdon|modifiedon) asc,${idCol} asc$`).exec(orderby);
      if (!m) return json(res, 400, { error: { code: '0x0', message: `Could not find a property named '${orderby.split(' ')[0]}' on type 'Microsoft.Dynamics.CRM.${SETS[set]!.type}'.` } });
      const col = m[1] === 'createdon' ? 'created' : 'modified';
      list.sort((a, b) => Math.floor(a[col] / 1000) - Math.floor(b[col] / 1000) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    const asked = /odata\.maxpagesize=(\d+)/.exec(prefer ?? '');
    const size = asked ? Math.min(5000, Number(asked[1])) : 5000;
    const offset = q.has('$skiptoken') ? Number(/pagenumber="(\d+)"/.exec(q.get('$skiptoken') ?? '')?.[1] ?? '1') - 1 : 0;
    const page = list.slice(offset * size, (offset + 1) * size);
    const more = (offset + 1) * size < list.length;
    const next = new URLSearchParams(q);
    next.set('$skiptoken', `<cookie pagenumber="${offset + 2}" istracking="False" />`);
    return json(
      res,
      200,
      {
        '@odata.context': `${base}/api/data/v9.2/$metadata#${set}`,
        value: page.map((r) => view(set, r)),
        ...(more ? { '@odata.nextLink': `${base}/api/data/v9.2/${set}?${next.toString()}` } : {}),
      },
      asked ? { 'preference-applied': `odata.maxpagesize=${size}` } : {},
    );
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = req.method === 'POST' ? await readText(req) : '';
      const form = req.method === 'POST' ? new URLSearchParams(text) : null;
      const h = (k: string) => (typeof req.headers[k] === 'string' ? req.headers[k] : undefined);
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: h('authorization'), prefer: h('prefer'), odataVersion: h('odata-version'), body: form });

      if (req.method === 'POST' && url.pathname === '/common/oauth2/v2.0/token') return token(res, form!);
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !state.validTokens.has(bearer)) return json(res, 401, errors.accessTokenExpired, { 'www-authenticate': 'Bearer error="invalid_token"' });
      if (req.method === 'GET' && url.pathname === '/api/data/v9.2/WhoAmI') return json(res, 200, { ...whoami, '@odata.context': `${base}/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse` });
      const m = /^\/api\/data\/v9\.2\/([A-Za-z_]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) return list(res, m[1]!, url.searchParams, h('prefer'));
      return json(res, 404, { error: { code: '0x8006088a', message: `Resource not found for the segment '${url.pathname.split('/').pop()}'.` } });
    })().catch((err: unknown) => json(res, 500, { error: { code: '0x80040216', message: String(err) } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeDataverse = Object.assign(state, {
    url: base,
    grantedScope: `${base}/user_impersonation offline_access`,
    tokenUrl: `${base}/common/oauth2/v2.0/token`,
    authorizationUrl: `${base}/common/oauth2/v2.0/authorize`,
    failNext(count: number, status: number, body: unknown = { error: { code: '0x80040216', message: 'An unexpected error occurred.' } }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    add(entitySet: string, r: { created: number; modified?: number; fields?: Record<string, unknown>; id?: string }) {
      const row: FakeRow = { id: r.id ?? nextGuid(), created: r.created, modified: r.modified ?? r.created, version: ++version, fields: r.fields ?? {} };
      state.rows.get(entitySet)!.push(row);
      return row;
    },
    touch(entitySet: string, id: string, at: number, fields: Record<string, unknown> = {}) {
      const row = state.rows.get(entitySet)!.find((x) => x.id === id);
      if (!row) throw new Error(`fake dataverse: no ${entitySet} row ${id}`);
      row.modified = at;
      row.version = ++version;
      Object.assign(row.fields, fields);
      return row;
    },
    listCalls(entitySet?: string) {
      return state.requests.filter((q) => q.method === 'GET' && /^\/api\/data\/v9\.2\/(?!WhoAmI$)/.test(q.path) && (entitySet === undefined || q.path === `/api/data/v9.2/${entitySet}`));
    },
    tokenCalls() {
      return state.requests.filter((q) => q.path === '/common/oauth2/v2.0/token');
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
  return fake;
}
