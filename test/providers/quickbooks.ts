// A fake QuickBooks Online over real HTTP: companies (realms) holding entities, behind the routes the integration
// uses —
// - `GET /v3/company/{realmId}/query?query=…&minorversion=…`: the subset of Intuit's query language the triggers
//   send (`SELECT * FROM <Entity> WHERE MetaData.<CreateTime|LastUpdatedTime> >= '<t>' [AND … < '<t>'] ORDERBY
//   <same> STARTPOSITION n MAXRESULTS m`), answering `{QueryResponse: {<Entity>: [...], startPosition,
//   maxResults}, time}` (`{QueryResponse: {}}` when nothing matches); anything else is a 400 QueryParserError
//   fault. Timestamps are written, as Intuit does, in the company's time zone (here -07:00).
// - auth: `Authorization: Bearer`; an unknown or expired token is 401 with an AUTHENTICATION fault; a token of
//   another company is 403 (ApplicationAuthorizationFailed).
// - `GET /v3/company/{realmId}/companyinfo/{realmId}`: the company's CompanyInfo, for its own token only.
// - the OAuth token endpoint (`authorization_code` for codes in `codes`, `refresh_token` grant, client id and
//   secret as HTTP Basic), rotating the refresh token as Intuit may.
// - scripted failures (`failNext`): 429 ThrottleExceeded, 5xx, 400 faults.
// - Intuit's side of webhooks: `notify` POSTs a notification signed `intuit-signature` = base64 HMAC-SHA256 of
//   the body with the verifier token, signed with the SDK's signRequest from the scheme as Intuit documents it.
//
// Docs followed: https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries,
// https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications,
// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0,
// https://blogs.intuit.com/2016/08/08/idg-concurrent-api-use-changes-coming-soon (throttling)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { signRequest, type HmacScheme } from '../../src/sdk/index.js';
import { readJsonOrFormBody } from '../helpers/request-body.js';

/** As documented by Intuit, declared here independently of the integration's own scheme. */
export const INTUIT_SIGNATURE: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'intuit-signature', encoding: 'base64' };

export type Entity = Record<string, any> & { Id: string; SyncToken: string; MetaData: { CreateTime: string; LastUpdatedTime: string } };

export interface FakeQuickbooks {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  verifierToken: string;
  /** access token → realmId */
  validTokens: Map<string, string>;
  /** authorization code → realmId, for the authorization_code grant */
  codes: Map<string, string>;
  refreshTokens: Map<string, string>;
  requests: Array<{ method: string; path: string; query: string | null; auth: string | undefined; body: any }>;
  /** Issue an access/refresh token pair for a company. */
  tokensFor(realmId: string): { accessToken: string; refreshToken: string };
  create(realmId: string, entity: string, fields?: Record<string, unknown>, opts?: { at?: number }): Entity;
  update(realmId: string, entity: string, id: string, fields?: Record<string, unknown>, opts?: { at?: number }): Entity;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  queries(realmId?: string): string[];
  notify(url: string, body: unknown, opts?: { secret?: string }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const OFFSET_MIN = -7 * 60;
/** `2026-12-07T13:59:49-07:00`: Intuit's timestamps, to the second, in the company's zone. */
export function intuitTime(ms: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + OFFSET_MIN * 60_000).toISOString().slice(0, 19);
  const sign = OFFSET_MIN < 0 ? '-' : '+';
  const abs = Math.abs(OFFSET_MIN);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const fault = (type: string, code: string, message: string, detail: string) => ({ Fault: { Error: [{ Message: message, Detail: detail, code }], type }, time: intuitTime(Date.now()) });
const QUERY = /^SELECT \* FROM ([A-Za-z]+) WHERE (MetaData\.(?:CreateTime|LastUpdatedTime)) >= '([^']+)'(?: AND (MetaData\.(?:CreateTime|LastUpdatedTime)) < '([^']+)')? ORDERBY (MetaData\.(?:CreateTime|LastUpdatedTime)) STARTPOSITION (\d+) MAXRESULTS (\d+)$/;
const ENTITIES = new Set(['Customer', 'Invoice', 'Payment', 'Bill', 'Vendor']);

export async function startFakeQuickbooks(opts: { now?: () => number } = {}): Promise<FakeQuickbooks> {
  const now = opts.now ?? Date.now;
  const companies = new Map<string, Map<string, Entity[]>>();
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let ids = 100;
  let tokens = 0;
  const state = {
    clientId: 'ABfakeClientId0123456789',
    clientSecret: 'fake-client-secret',
    verifierToken: 'fake-verifier-token-5e1f',
    validTokens: new Map<string, string>(),
    codes: new Map<string, string>(),
    refreshTokens: new Map<string, string>(),
    requests: [] as FakeQuickbooks['requests'],
  };
  const listOf = (realm: string, entity: string): Entity[] => {
    let c = companies.get(realm);
    if (!c) companies.set(realm, (c = new Map()));
    let l = c.get(entity);
    if (!l) c.set(entity, (l = []));
    return l;
  };
  const issue = (realm: string) => {
    const accessToken = `qb-access-${++tokens}`;
    const refreshToken = `qb-refresh-${tokens}`;
    state.validTokens.set(accessToken, realm);
    state.refreshTokens.set(refreshToken, realm);
    return { accessToken, refreshToken };
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : undefined;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams.get('query'), auth: req.headers.authorization, body });
      if (req.method === 'POST' && url.pathname === '/oauth2/v1/tokens/bearer') {
        const basic = `Basic ${Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return json(res, 401, { error: 'invalid_client' });
        const realm = body?.grant_type === 'refresh_token' ? state.refreshTokens.get(body.refresh_token)
          : body?.grant_type === 'authorization_code' ? state.codes.get(body.code) : undefined;
        if (realm === undefined) return json(res, 400, { error: 'invalid_grant' });
        state.refreshTokens.delete(body.refresh_token);
        state.codes.delete(body.code);
        const t = issue(realm);
        return json(res, 200, { token_type: 'bearer', expires_in: 3600, refresh_token: t.refreshToken, x_refresh_token_expires_in: 8_726_400, access_token: t.accessToken });
      }
      const info = /^\/v3\/company\/(\d+)\/companyinfo\/(\d+)$/.exec(url.pathname);
      const m = info ?? /^\/v3\/company\/(\d+)\/query$/.exec(url.pathname);
      if (req.method !== 'GET' || !m) return json(res, 404, fault('ValidationFault', '610', 'Object Not Found', `no route ${url.pathname}`));
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      const tokenRealm = token ? state.validTokens.get(token) : undefined;
      if (tokenRealm === undefined) {
        return json(res, 401, { fault: { error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail: 'Token expired', code: '3200' }], type: 'AUTHENTICATION' }, time: intuitTime(now()) });
      }
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const realm = m[1]!;
      if (tokenRealm !== realm) return json(res, 403, fault('AuthorizationFault', '003100', 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', 'the token is not for this company'));
      if (info) {
        if (info[2] !== realm) return json(res, 400, fault('ValidationFault', '2500', 'Invalid Reference Id', `no CompanyInfo ${info[2]}`));
        return json(res, 200, { CompanyInfo: { Id: realm, CompanyName: `Company ${realm}`, domain: 'QBO', sparse: false }, time: intuitTime(now()) });
      }
      const q = QUERY.exec(url.searchParams.get('query') ?? '');
      const [, entity, field, from, untilField, until, orderBy, start, max] = q ?? [];
      if (!q || !ENTITIES.has(entity!) || (untilField && untilField !== field) || orderBy !== field || !Number.isFinite(Date.parse(from!)) || (until !== undefined && !Number.isFinite(Date.parse(until)))) {
        return json(res, 400, fault('ValidationFault', '4000', 'Error parsing query', `QueryParserError: unsupported query ${url.searchParams.get('query')}`));
      }
      const key = field!.slice('MetaData.'.length) as 'CreateTime' | 'LastUpdatedTime';
      const ts = (e: Entity) => Date.parse(e.MetaData[key]);
      const all = listOf(realm, entity!)
        .filter((e) => ts(e) >= Date.parse(from!) && (until === undefined || ts(e) < Date.parse(until)))
        .sort((a, b) => ts(a) - ts(b) || Number(a.Id) - Number(b.Id));
      const page = all.slice(Number(start) - 1, Number(start) - 1 + Math.min(Number(max), 1000));
      return json(res, 200, { QueryResponse: page.length > 0 ? { [entity!]: page, startPosition: Number(start), maxResults: page.length } : {}, time: intuitTime(now()) });
    })().catch((err) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    ...state,
    url,
    tokenUrl: `${url}/oauth2/v1/tokens/bearer`,
    tokensFor: issue,
    create(realmId, entity, fields = {}, o = {}) {
      const at = intuitTime(o.at ?? now());
      const e: Entity = { domain: 'QBO', sparse: false, Id: String(++ids), SyncToken: '0', MetaData: { CreateTime: at, LastUpdatedTime: at }, ...fields };
      listOf(realmId, entity).push(e);
      return structuredClone(e);
    },
    update(realmId, entity, id, fields = {}, o = {}) {
      const e = listOf(realmId, entity).find((x) => x.Id === id);
      if (!e) throw new Error(`no ${entity} ${id} in ${realmId}`);
      Object.assign(e, fields, { SyncToken: String(Number(e.SyncToken) + 1), MetaData: { ...e.MetaData, LastUpdatedTime: intuitTime(o.at ?? now()) } });
      return structuredClone(e);
    },
    failNext(count, status, body = fault('SERVICE', '10000', 'An application error has occurred while processing your request', 'System Failure Error'), headers = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    queries(realmId) {
      return state.requests.filter((r) => r.query !== null && (realmId === undefined || r.path === `/v3/company/${realmId}/query`)).map((r) => r.query!);
    },
    async notify(target, payload, o = {}) {
      const raw = Buffer.from(JSON.stringify(payload));
      const headers = signRequest(INTUIT_SIGNATURE, { method: 'POST', url: new URL(target).pathname, headers: {}, rawBody: raw, publicUrl: target }, { secret: o.secret ?? state.verifierToken }, now());
      const r = await request(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
      return { status: r.statusCode, body: await r.body.text() };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
