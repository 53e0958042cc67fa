// A fake ServiceNow instance over real HTTP. What the integration uses, as ServiceNow documents it:
// - `GET /api/now/table/{table}` with `sysparm_query` (here: `sys_updated_on>=…`, `sys_updated_on<…`, `ORDERBY…`
//   terms joined by `^`), `sysparm_limit`, `sysparm_offset`, `sysparm_fields`; answers `{result: [...]}` with a
//   `Link` header (rel="first"/"prev"/"next"/"last") and `X-Total-Count`; 400 `Invalid table` for an unknown table.
// - `Authorization: Bearer <token>`; anything else 401 `User Not Authenticated`.
// Times are written as the Table API writes stored values (sysparm_display_value=false): `YYYY-MM-DD HH:MM:SS`, UTC.
// Docs: https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import errors from '../../src/integrations/servicenow/fixtures/errors.json' with { type: 'json' };

export const serviceNowErrorBodies = errors;

export interface FakeSnRecord {
  sys_id: string;
  created: number;
  updated: number;
  modCount: number;
  fields: Record<string, unknown>;
}

export interface RecordedSnRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
}

export interface FakeServiceNow {
  url: string;
  validTokens: Set<string>;
  tables: Map<string, FakeSnRecord[]>;
  requests: RecordedSnRequest[];
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  add(table: string, r: { created: number; fields?: Record<string, unknown>; sys_id?: string }): FakeSnRecord;
  touch(table: string, sysId: string, at: number, fields?: Record<string, unknown>): void;
  listCalls(table?: string): RecordedSnRequest[];
  close(): Promise<void>;
}

export function snTime(t: number): string {
  return new Date(Math.floor(t / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function parseSnTime(v: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(v);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

const TABLES = ['incident', 'problem', 'change_request', 'sc_req_item'];

export async function startFakeServiceNow(): Promise<FakeServiceNow> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let counter = 0;
  let base = '';
  const state = {
    validTokens: new Set<string>(),
    tables: new Map<string, FakeSnRecord[]>(TABLES.map((t) => [t, []])),
    requests: [] as RecordedSnRequest[],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const view = (r: FakeSnRecord, fields: string[] | null) => {
    const all: Record<string, unknown> = {
      ...r.fields,
      sys_id: r.sys_id,
      sys_created_on: snTime(r.created),
      sys_updated_on: snTime(r.updated),
      sys_mod_count: String(r.modCount),
    };
    return fields ? Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])) : all;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, auth: req.headers.authorization });
    const failure = failures.shift();
    if (failure) return json(res, failure.status, failure.body, failure.headers);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !state.validTokens.has(token)) return json(res, 401, errors.notAuthenticated);
    const m = /^\/api\/now\/table\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return json(res, 400, { error: { message: 'Requested URI does not represent any resource', detail: null }, status: 'failure' });
    const list = state.tables.get(m[1]!);
    if (!list) return json(res, 400, { error: { message: `Invalid table ${m[1]}`, detail: null }, status: 'failure' });
    const limit = Number(query.sysparm_limit ?? 10000);
    const offset = Number(query.sysparm_offset ?? 0);
    let rows = [...list];
    const orderBy: string[] = [];
    for (const term of (query.sysparm_query ?? '').split('^').filter(Boolean)) {
      let t: RegExpExecArray | null;
      if ((t = /^ORDERBY(\w+)$/.exec(term))) orderBy.push(t[1]!);
      else if ((t = /^sys_updated_on(>=|<)(.+)$/.exec(term))) {
        const at = parseSnTime(t[2]!);
        if (!Number.isFinite(at)) return json(res, 400, { error: { message: 'Invalid query', detail: term }, status: 'failure' });
        const op = t[1];
        rows = rows.filter((r) => (op === '>=' ? Math.floor(r.updated / 1000) * 1000 >= at : Math.floor(r.updated / 1000) * 1000 < at));
      } else return json(res, 400, { error: { message: 'Unsupported query term in this fake', detail: term }, status: 'failure' });
    }
    const cmp = (a: FakeSnRecord, b: FakeSnRecord) => {
      for (const f of orderBy) {
        const va = f === 'sys_updated_on' ? Math.floor(a.updated / 1000) : f === 'sys_id' ? a.sys_id : 0;
        const vb = f === 'sys_updated_on' ? Math.floor(b.updated / 1000) : f === 'sys_id' ? b.sys_id : 0;
        if (va < vb) return -1;
        if (va > vb) return 1;
      }
      return 0;
    };
    rows.sort(cmp);
    const page = rows.slice(offset, offset + limit);
    const link = (o: number, rel: string) => `<${base}${url.pathname}?${new URLSearchParams({ ...query, sysparm_offset: String(o) })}>;rel="${rel}"`;
    const links = [link(0, 'first')];
    if (offset + limit < rows.length) links.push(link(offset + limit, 'next'));
    links.push(link(Math.max(0, Math.floor((rows.length - 1) / limit) * limit), 'last'));
    const fields = query.sysparm_fields ? query.sysparm_fields.split(',') : null;
    return json(res, 200, { result: page.map((r) => view(r, fields)) }, { link: links.join(','), 'x-total-count': String(rows.length) });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { error: { message: 'Internal server error', detail: null }, status: 'failure' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    add(table: string, r: { created: number; fields?: Record<string, unknown>; sys_id?: string }) {
      const rec: FakeSnRecord = { sys_id: r.sys_id ?? `${String(++counter).padStart(8, '0')}${randomBytes(12).toString('hex')}`, created: r.created, updated: r.created, modCount: 0, fields: r.fields ?? {} };
      state.tables.get(table)!.push(rec);
      return rec;
    },
    touch(table: string, sysId: string, at: number, fields: Record<string, unknown> = {}) {
      const rec = state.tables.get(table)!.find((x) => x.sys_id === sysId);
      if (!rec) throw new Error(`fake servicenow: no ${table} record ${sysId}`);
      rec.updated = at;
      rec.modCount++;
      Object.assign(rec.fields, fields);
    },
    listCalls(table?: string) {
      return state.requests.filter((q) => q.path.startsWith('/api/now/table/') && (table === undefined || q.path === `/api/now/table/${table}`));
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
