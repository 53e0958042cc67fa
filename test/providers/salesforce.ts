// A fake Salesforce over real HTTP, on TWO hosts like the real thing: the login host (OAuth token endpoint,
// what the integration config points tokenUrl at) and the org's instance host (the REST API, announced only as
// `instance_url` in the token response). It speaks what the integration uses:
// - `POST /services/oauth2/token` (authorization_code with PKCE, refresh_token; HTTP 400 `invalid_grant`),
// - `GET /services/data/v66.0/query?q=` — a real (small) SOQL evaluator for SELECT FIELDS(ALL) … WHERE …
//   ORDER BY … LIMIT: `AND`/`OR`/parentheses, `= != < <= > >=`, `LIKE` (case-insensitive, `\%` `\_`), `IN`,
//   dateTime literals, strings with SOQL escapes; FIELDS(ALL) refused without LIMIT ≤ 200 (as Salesforce does);
//   INVALID_TYPE / INVALID_FIELD / MALFORMED_QUERY errors; batches of `batchSize` records with `nextRecordsUrl`,
// - `GET /services/data/v66.0/query/{locator}` (the next batch), `GET …/sobjects/{type}/describe`,
//   `GET /services/oauth2/userinfo`,
// - 401 `INVALID_SESSION_ID` for unknown or expired tokens, 403 `REQUEST_LIMIT_EXCEEDED`, scripted failures.
//
// Docs followed: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm,
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_fields.htm,
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm,
// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SF_API_VERSION = 'v66.0';

export type FieldType = 'id' | 'string' | 'picklist' | 'currency' | 'double' | 'percent' | 'boolean' | 'datetime' | 'date' | 'reference' | 'textarea';

export interface SfRecord {
  Id: string;
  [field: string]: unknown;
}

export interface FakeSalesforce {
  /** Login host: token endpoint (point the integration's tokenUrl at `${loginUrl}/services/oauth2/token`). */
  loginUrl: string;
  /** The org's instance host: returned as `instance_url`, serves the REST API. */
  instanceUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  organizationId: string;
  userId: string;
  /** Access tokens the API accepts; anything else gets 401 INVALID_SESSION_ID. */
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  /** Authorization codes the token endpoint accepts. */
  codes: Set<string>;
  /** Leave `id` (the identity URL) out of token responses. */
  omitIdentityUrl: boolean;
  /** Records per batch of a query result (Salesforce: up to 2,000; it may send fewer). */
  batchSize: number;
  requests: Array<{ host: 'login' | 'instance'; method: string; path: string; q: string | null; auth: string | undefined; body: Record<string, string> }>;
  /** SOQL queries received, in order. */
  queries: string[];
  objects: Map<string, { fields: Record<string, FieldType>; records: SfRecord[] }>;
  defineObject(name: string, fields: Record<string, FieldType>): void;
  /** Insert a record now (fake clock), with CreatedDate = LastModifiedDate = SystemModstamp. */
  insert(object: string, fields: Record<string, unknown>, at?: number): SfRecord;
  /** Modify a record now: LastModifiedDate and SystemModstamp move. */
  update(object: string, id: string, fields: Record<string, unknown>, at?: number): SfRecord;
  /** Answer the next N API requests (instance host) with this status and body. */
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/** Salesforce's timestamp format: `2026-01-15T10:30:00.000+0000`, whole seconds. */
export function sfTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('Z', '+0000');
}

const STANDARD: Record<string, FieldType> = {
  Id: 'id', IsDeleted: 'boolean', Name: 'string', OwnerId: 'reference',
  CreatedDate: 'datetime', CreatedById: 'reference', LastModifiedDate: 'datetime', LastModifiedById: 'reference', SystemModstamp: 'datetime',
};
const PREFIX: Record<string, string> = { Account: '001', Contact: '003', Opportunity: '006', Lead: '00Q', Task: '00T' };

class SoqlError extends Error {
  constructor(readonly errorCode: string, message: string) {
    super(message);
  }
}

// ── a small SOQL evaluator ───────────────────────────────────────────────────────────────────────────
type Token = { t: 'ident' | 'num' | 'str' | 'dt' | 'op' | 'punct'; v: string };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    const dt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})/.exec(q.slice(i));
    if (dt) { out.push({ t: 'dt', v: dt[0] }); i += dt[0].length; continue; }
    const num = /^-?\d+(\.\d+)?/.exec(q.slice(i));
    if (num && (out.length === 0 || out.at(-1)!.t === 'op' || out.at(-1)!.v === '(' || out.at(-1)!.v === ',' || /^[0-9]/.test(ch))) {
      out.push({ t: 'num', v: num[0] }); i += num[0].length; continue;
    }
    if (ch === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= q.length) throw new SoqlError('MALFORMED_QUERY', 'unterminated string literal');
        const c = q[i]!;
        if (c === '\\') {
          const n = q[i + 1];
          const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', '%': '\\%', _: '\\_' };
          if (n === undefined || map[n] === undefined) throw new SoqlError('MALFORMED_QUERY', `invalid escape sequence \\${n ?? ''}`);
          s += map[n]; i += 2; continue;
        }
        if (c === "'") { i++; break; }
        s += c; i++;
      }
      out.push({ t: 'str', v: s }); continue;
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(q.slice(i));
    if (op) { out.push({ t: 'op', v: op[0] }); i += op[0].length; continue; }
    if ('(),'.includes(ch)) { out.push({ t: 'punct', v: ch }); i++; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i));
    if (id) { out.push({ t: 'ident', v: id[0] }); i += id[0].length; continue; }
    throw new SoqlError('MALFORMED_QUERY', `unexpected character ${JSON.stringify(ch)}`);
  }
  return out;
}

type Expr =
  | { k: 'and' | 'or'; a: Expr; b: Expr }
  | { k: 'not'; a: Expr }
  | { k: 'cmp'; field: string; op: string; value: Token }
  | { k: 'like'; field: string; pattern: string }
  | { k: 'in'; field: string; values: Token[]; not: boolean };

interface Query { object: string; where: Expr | null; order: Array<{ field: string; desc: boolean }>; limit: number | null }

function parse(q: string): Query {
  const toks = tokenize(q);
  let p = 0;
  const peek = () => toks[p];
  const kw = (w: string) => peek()?.t === 'ident' && peek()!.v.toUpperCase() === w;
  const expect = (w: string) => {
    if (!kw(w) && peek()?.v !== w) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${peek()?.v ?? 'end of query'}', expected ${w}`);
    p++;
  };
  expect('SELECT');
  expect('FIELDS');
  expect('(');
  expect('ALL');
  expect(')');
  expect('FROM');
  const obj = peek();
  if (obj?.t !== 'ident') throw new SoqlError('MALFORMED_QUERY', 'expected an object name');
  p++;
  const field = (): string => {
    const f = peek();
    if (f?.t !== 'ident') throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${f?.v ?? 'end of query'}'`);
    p++;
    return f.v;
  };
  const value = (): Token => {
    const v = peek();
    if (!v || !(v.t === 'str' || v.t === 'num' || v.t === 'dt' || (v.t === 'ident' && ['NULL', 'TRUE', 'FALSE'].includes(v.v.toUpperCase())))) {
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${v?.v ?? 'end of query'}'`);
    }
    p++;
    return v;
  };
  const factor = (): Expr => {
    if (peek()?.v === '(') { p++; const e = expr(); expect(')'); return e; }
    if (kw('NOT')) { p++; return { k: 'not', a: factor() }; }
    const f = field();
    if (kw('LIKE')) { p++; const s = peek(); if (s?.t !== 'str') throw new SoqlError('MALFORMED_QUERY', 'LIKE needs a string'); p++; return { k: 'like', field: f, pattern: s.v }; }
    let not = false;
    if (kw('NOT')) { p++; not = true; }
    if (kw('IN')) {
      p++; expect('(');
      const values = [value()];
      while (peek()?.v === ',') { p++; values.push(value()); }
      expect(')');
      return { k: 'in', field: f, values, not };
    }
    const op = peek();
    if (op?.t !== 'op') throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${op?.v ?? 'end of query'}'`);
    p++;
    return { k: 'cmp', field: f, op: op.v, value: value() };
  };
  const term = (): Expr => { let e = factor(); while (kw('AND')) { p++; e = { k: 'and', a: e, b: factor() }; } return e; };
  const expr = (): Expr => { let e = term(); while (kw('OR')) { p++; e = { k: 'or', a: e, b: term() }; } return e; };
  let where: Expr | null = null;
  if (kw('WHERE')) { p++; where = expr(); }
  const order: Query['order'] = [];
  if (kw('ORDER')) {
    p++; expect('BY');
    for (;;) {
      const f = field();
      let desc = false;
      if (kw('ASC')) p++;
      else if (kw('DESC')) { p++; desc = true; }
      order.push({ field: f, desc });
      if (peek()?.v === ',') { p++; continue; }
      break;
    }
  }
  let limit: number | null = null;
  if (kw('LIMIT')) { p++; const n = peek(); if (n?.t !== 'num') throw new SoqlError('MALFORMED_QUERY', 'LIMIT needs a number'); p++; limit = Number(n.v); }
  if (p !== toks.length) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${toks[p]!.v}'`);
  return { object: obj.v, where, order, limit };
}

function literal(tok: Token, type: FieldType): unknown {
  const upper = tok.v.toUpperCase();
  if (tok.t === 'ident') return upper === 'NULL' ? null : upper === 'TRUE';
  if (type === 'datetime') {
    if (tok.t !== 'dt') throw new SoqlError('INVALID_FIELD', `value of filter criterion must be of type dateTime and should not be enclosed in quotes`);
    return Date.parse(tok.v);
  }
  if (type === 'currency' || type === 'double' || type === 'percent') {
    if (tok.t !== 'num') throw new SoqlError('INVALID_FIELD', 'value of filter criterion must be of type double and should not be enclosed in quotes');
    return Number(tok.v);
  }
  if (type === 'boolean') throw new SoqlError('INVALID_FIELD', 'value of filter criterion must be of type boolean and should not be enclosed in quotes');
  if (tok.t !== 'str') throw new SoqlError('INVALID_FIELD', `value of filter criterion must be of type ${type} and should be enclosed in quotes`);
  return tok.v;
}

function fieldValue(r: SfRecord, field: string, type: FieldType): unknown {
  const v = r[field];
  if (v === undefined || v === null) return null;
  return type === 'datetime' ? (typeof v === 'string' ? Date.parse(v) : Number.NaN) : v;
}

const text = (x: unknown): string => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : '');

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) { re += `\\${pattern[i + 1]}`; i++; continue; }
    if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

function evaluate(e: Expr, r: SfRecord, types: Record<string, FieldType>): boolean {
  const typeOf = (f: string): FieldType => {
    const t = types[f];
    if (!t) throw new SoqlError('INVALID_FIELD', `No such column '${f}' on entity. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`);
    return t;
  };
  switch (e.k) {
    case 'and': return evaluate(e.a, r, types) && evaluate(e.b, r, types);
    case 'or': return evaluate(e.a, r, types) || evaluate(e.b, r, types);
    case 'not': return !evaluate(e.a, r, types);
    case 'like': {
      const t = typeOf(e.field);
      if (!['string', 'picklist', 'textarea'].includes(t)) throw new SoqlError('INVALID_FIELD', `invalid operator on ${t} field`);
      const v = fieldValue(r, e.field, t);
      return typeof v === 'string' && likeRegex(e.pattern).test(v);
    }
    case 'in': {
      const t = typeOf(e.field);
      const v = fieldValue(r, e.field, t);
      const hit = e.values.some((tok) => { const l = literal(tok, t); return v !== null && l !== null && compare(v, l) === 0; });
      return e.not ? !hit : hit;
    }
    case 'cmp': {
      const t = typeOf(e.field);
      const v = fieldValue(r, e.field, t);
      const l = literal(e.value, t);
      if (l === null) return e.op === '=' ? v === null : e.op === '!=' ? v !== null : false;
      if (v === null) return e.op === '!=';
      // Ids compare case-sensitively (they are case-sensitive), other text case-insensitively.
      const c = t === 'id' || t === 'reference' ? (text(v) < text(l) ? -1 : text(v) > text(l) ? 1 : 0) : compare(v, l);
      switch (e.op) {
        case '=': return c === 0;
        case '!=': return c !== 0;
        case '<': return c < 0;
        case '<=': return c <= 0;
        case '>': return c > 0;
        case '>=': return c >= 0;
      }
      return false;
    }
  }
}

// ── the server ───────────────────────────────────────────────────────────────────────────────────────
export async function startFakeSalesforce(opts: { now?: () => number } = {}): Promise<FakeSalesforce> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let counter = 0;
  const locators = new Map<string, { records: SfRecord[]; offset: number }>();
  const verifiers = new Map<string, string>();

  const state = {
    clientId: '3MVG9IHf89I1t8hrvswazsWedXWY0i1qK20PSFaInvUgLFB6vrcb9bbWFTSIHpO8G2jxBLJA6uZGyPFC5Aejq',
    clientSecret: '1955279925675241571',
    organizationId: '00DB0000000TfcRMAS',
    userId: '005B0000005Bk90IAC',
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    codes: new Set<string>(),
    omitIdentityUrl: false,
    batchSize: 2000,
    requests: [] as FakeSalesforce['requests'],
    queries: [] as string[],
    objects: new Map<string, { fields: Record<string, FieldType>; records: SfRecord[] }>(),
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(body === null ? '' : JSON.stringify(body));
  };
  const sfError = (res: ServerResponse, status: number, errorCode: string, message: string) => json(res, status, [{ message, errorCode }]);

  const readBody = async (req: IncomingMessage): Promise<Record<string, string>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? {} : Object.fromEntries(new URLSearchParams(text));
  };

  let instanceBase = '';
  let loginBase = '';
  const issue = () => {
    const accessToken = `${state.organizationId.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
    state.validTokens.add(accessToken);
    return accessToken;
  };
  const tokenBody = (accessToken: string, refreshToken?: string) => ({
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature: randomBytes(32).toString('base64'),
    scope: 'refresh_token api',
    instance_url: instanceBase,
    ...(state.omitIdentityUrl ? {} : { id: `${loginBase}/id/${state.organizationId}/${state.userId}` }),
    token_type: 'Bearer',
    issued_at: String(now()),
  });

  const login = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readBody(req) : {};
      state.requests.push({ host: 'login', method: req.method ?? 'GET', path: url.pathname, q: null, auth: req.headers.authorization, body });
      if (req.method === 'POST' && url.pathname === '/services/oauth2/token') {
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret) return json(res, 400, { error: 'invalid_client', error_description: 'invalid client credentials' });
        if (body.grant_type === 'authorization_code') {
          if (!body.code || !state.codes.delete(body.code)) return json(res, 400, { error: 'invalid_grant', error_description: 'authentication failure' });
          if (body.code_verifier !== undefined) verifiers.set(body.code, body.code_verifier);
          const refreshToken = `5Aep${randomBytes(20).toString('base64url')}`;
          state.refreshTokens.add(refreshToken);
          return json(res, 200, tokenBody(issue(), refreshToken));
        }
        if (body.grant_type === 'refresh_token') {
          if (!body.refresh_token || !state.refreshTokens.has(body.refresh_token)) return json(res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
          // No rotation by default: Salesforce keeps the refresh token and sends only a new access token.
          return json(res, 200, tokenBody(issue()));
        }
        return json(res, 400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
      }
      return json(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    })().catch((err: unknown) => json(res, 500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: String(err) }]));
  });

  const queryPage = (res: ServerResponse, locator: string) => {
    const entry = locators.get(locator);
    if (!entry) return sfError(res, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const batch = entry.records.slice(entry.offset, entry.offset + state.batchSize);
    const nextOffset = entry.offset + batch.length;
    const done = nextOffset >= entry.records.length;
    if (!done) locators.set(`${locator.split('-')[0]}-${nextOffset}`, { records: entry.records, offset: nextOffset });
    return json(res, 200, {
      totalSize: entry.records.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/${SF_API_VERSION}/query/${locator.split('-')[0]}-${nextOffset}` }),
      records: batch,
    });
  };

  const instance = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      state.requests.push({ host: 'instance', method: req.method ?? 'GET', path: url.pathname, q: url.searchParams.get('q'), auth: req.headers.authorization, body: {} });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return sfError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      const api = `/services/data/${SF_API_VERSION}`;
      if (req.method === 'GET' && url.pathname === '/services/oauth2/userinfo') {
        return json(res, 200, { sub: `${loginBase}/id/${state.organizationId}/${state.userId}`, user_id: state.userId, organization_id: state.organizationId, preferred_username: 'admin@example.com' });
      }
      if (req.method === 'GET' && url.pathname === `${api}/query`) {
        const q = url.searchParams.get('q') ?? '';
        state.queries.push(q);
        let parsed: Query;
        try {
          parsed = parse(q);
          if (parsed.limit === null || parsed.limit > 200) throw new SoqlError('MALFORMED_QUERY', 'The SOQL FIELDS function must have a LIMIT of at most 200');
          const obj = state.objects.get(parsed.object);
          if (!obj) throw new SoqlError('INVALID_TYPE', `sObject type '${parsed.object}' is not supported.`);
          const rows = obj.records.filter((r) => parsed.where === null || evaluate(parsed.where, r, obj.fields));
          for (const o of parsed.order) if (!obj.fields[o.field]) throw new SoqlError('INVALID_FIELD', `No such column '${o.field}' on entity '${parsed.object}'.`);
          rows.sort((a, b) => {
            for (const o of parsed.order) {
              const t = obj.fields[o.field]!;
              const av = fieldValue(a, o.field, t);
              const bv = fieldValue(b, o.field, t);
              const c = t === 'id' ? (text(av) < text(bv) ? -1 : text(av) > text(bv) ? 1 : 0) : compare(av, bv);
              if (c !== 0) return o.desc ? -c : c;
            }
            return 0;
          });
          const limited = rows.slice(0, parsed.limit).map((r) => structuredClone(r));
          const locator = `01gD0000002HU6K${String(++counter).padStart(3, '0')}`;
          locators.set(`${locator}-0`, { records: limited, offset: 0 });
          return queryPage(res, `${locator}-0`);
        } catch (err) {
          if (err instanceof SoqlError) return sfError(res, 400, err.errorCode, err.message);
          throw err;
        }
      }
      const more = new RegExp(`^${api}/query/([A-Za-z0-9]+-\\d+)$`).exec(url.pathname);
      if (req.method === 'GET' && more) return queryPage(res, more[1]!);
      const describe = new RegExp(`^${api}/sobjects/([A-Za-z0-9_]+)/describe$`).exec(url.pathname);
      if (req.method === 'GET' && describe) {
        const obj = state.objects.get(describe[1]!);
        if (!obj) return sfError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
        return json(res, 200, {
          name: describe[1], queryable: true,
          fields: Object.entries(obj.fields).map(([name, type]) => ({ name, type, filterable: type !== 'textarea' })),
        });
      }
      return sfError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    })().catch((err: unknown) => json(res, 500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: String(err) }]));
  });

  const listen = async (s: Server) => {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  loginBase = await listen(login);
  instanceBase = await listen(instance);

  const fake: FakeSalesforce = Object.assign(state, {
    loginUrl: loginBase,
    instanceUrl: instanceBase,
    tokenUrl: `${loginBase}/services/oauth2/token`,
    defineObject(name: string, fields: Record<string, FieldType>) {
      state.objects.set(name, { fields: { ...STANDARD, ...fields }, records: [] });
    },
    insert(object: string, fields: Record<string, unknown>, at = now()) {
      const obj = state.objects.get(object);
      if (!obj) throw new Error(`fake salesforce: unknown object ${object}`);
      const id = `${PREFIX[object] ?? 'a00'}Hs00000${(++counter).toString(36).toUpperCase().padStart(8, '0')}`;
      const ts = sfTimestamp(at);
      const record: SfRecord = {
        attributes: { type: object, url: `/services/data/${SF_API_VERSION}/sobjects/${object}/${id}` },
        Id: id, IsDeleted: false, OwnerId: state.userId,
        CreatedDate: ts, CreatedById: state.userId, LastModifiedDate: ts, LastModifiedById: state.userId, SystemModstamp: ts,
        ...Object.fromEntries(Object.keys(obj.fields).filter((f) => !(f in STANDARD)).map((f) => [f, null])),
        ...fields,
      };
      obj.records.push(record);
      return record;
    },
    update(object: string, id: string, fields: Record<string, unknown>, at = now()) {
      const r = state.objects.get(object)?.records.find((x) => x.Id === id);
      if (!r) throw new Error(`fake salesforce: no ${object} ${id}`);
      Object.assign(r, fields, { LastModifiedDate: sfTimestamp(at), SystemModstamp: sfTimestamp(at) });
      return r;
    },
    failNext(count: number, status: number, body: unknown = [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred.' }], headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    close: async () => {
      for (const s of [login, instance]) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    },
  });
  return fake;
}
