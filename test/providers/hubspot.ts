// A fake HubSpot over real HTTP: the CRM search API as HubSpot documents it (filterGroups with GTE/GT/EQ/…, one
// sort, `limit` up to 200, `after` paging that refuses to go past 10,000 results, `total`, the timestamp property
// names of each object — contacts have `lastmodifieddate`, the others `hs_lastmodifieddate`, custom objects
// `hs_createdate`), 429 with HubSpot's policy body, 401 for expired tokens, token metadata and the v3 token
// endpoint. Hooks let a test change records between two page requests; `reversePages` returns pages out of order.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonOrFormBody } from '../helpers/request-body.js';
import accessToken from '../../src/integrations/hubspot/fixtures/access-token.json' with { type: 'json' };
import tenSecondly from '../../src/integrations/hubspot/fixtures/rate-limit-ten-secondly.json' with { type: 'json' };
import daily from '../../src/integrations/hubspot/fixtures/rate-limit-daily.json' with { type: 'json' };

export interface FakeRecord {
  id: number;
  created: number;
  modified: number;
  props: Record<string, string>;
}

export interface RecordedHubSpotRequest {
  method: string;
  path: string;
  auth: string | undefined;
  body: any;
}

export interface FakeHubSpot {
  url: string;
  records: Map<string, FakeRecord[]>;
  validTokens: Set<string>;
  refreshTokens: Map<string, string>;
  requests: RecordedHubSpotRequest[];
  reversePages: boolean;
  onSearch?: (n: number, objectType: string, body: any) => void;
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  add(objectType: string, r: { created: number; modified?: number; props?: Record<string, string>; id?: number }): FakeRecord;
  touch(objectType: string, id: number, at: number): void;
  searches(): RecordedHubSpotRequest[];
  close(): Promise<void>;
}

export const hubspotRateLimitBodies = { tenSecondly, daily };

const STANDARD: Record<string, { created: string; modified: string; defaults: string[] }> = {
  contacts: { created: 'createdate', modified: 'lastmodifieddate', defaults: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'] },
  companies: { created: 'createdate', modified: 'hs_lastmodifieddate', defaults: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'] },
  deals: { created: 'createdate', modified: 'hs_lastmodifieddate', defaults: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'] },
  tickets: { created: 'createdate', modified: 'hs_lastmodifieddate', defaults: ['content', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_priority', 'subject'] },
};
const CUSTOM = { created: 'hs_createdate', modified: 'hs_lastmodifieddate', defaults: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'] };

function schema(objectType: string) {
  return STANDARD[objectType] ?? (/^2-\d+$/.test(objectType) ? CUSTOM : undefined);
}

export async function startFakeHubSpot(): Promise<FakeHubSpot> {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let nextId = 1000;
  let searchCount = 0;
  let rotation = 0;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const hsError = (res: ServerResponse, status: number, category: string, message: string) =>
    json(res, status, { status: 'error', message, correlationId: 'fake-correlation-id', category });

  const fake = {
    url: '',
    records: new Map<string, FakeRecord[]>(),
    validTokens: new Set(['valid-token']),
    refreshTokens: new Map<string, string>(),
    requests: [] as RecordedHubSpotRequest[],
    reversePages: false,
    onSearch: undefined as FakeHubSpot['onSearch'],
    failNext(count: number, status: number, headers: Record<string, string> = {}, body: unknown = undefined) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    add(objectType: string, r: { created: number; modified?: number; props?: Record<string, string>; id?: number }): FakeRecord {
      const rec: FakeRecord = { id: r.id ?? nextId++, created: r.created, modified: r.modified ?? r.created, props: r.props ?? {} };
      const list = fake.records.get(objectType) ?? [];
      list.push(rec);
      fake.records.set(objectType, list);
      return rec;
    },
    touch(objectType: string, id: number, at: number) {
      const rec = fake.records.get(objectType)?.find((r) => r.id === id);
      if (!rec) throw new Error(`no ${objectType} ${id}`);
      rec.modified = at;
    },
    searches: () => fake.requests.filter((r) => r.path.endsWith('/search')),
    close: async () => {},
  };

  const valueOf = (rec: FakeRecord, prop: string, s: NonNullable<ReturnType<typeof schema>>): number | string | undefined => {
    if (prop === s.created) return rec.created;
    if (prop === s.modified) return rec.modified;
    if (prop === 'hs_object_id') return rec.id;
    return rec.props[prop];
  };

  const render = (rec: FakeRecord, s: NonNullable<ReturnType<typeof schema>>) => {
    const properties: Record<string, string | null> = {};
    for (const p of s.defaults) {
      const v = valueOf(rec, p, s);
      properties[p] = v === undefined ? null : p === s.created || p === s.modified ? new Date(Number(v)).toISOString() : String(v);
    }
    return { id: String(rec.id), properties, createdAt: new Date(rec.created).toISOString(), updatedAt: new Date(rec.modified).toISOString(), archived: false };
  };

  const search = (res: ServerResponse, objectType: string, body: any) => {
    const s = schema(objectType);
    if (!s) return hsError(res, 400, 'OBJECT_NOT_FOUND', `Unable to infer object type from: ${objectType}`);
    const n = searchCount++;
    fake.onSearch?.(n, objectType, body);
    const limit = Number(body.limit ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return hsError(res, 400, 'VALIDATION_ERROR', 'limit must be between 1 and 200');
    const groups: any[] = body.filterGroups ?? [];
    if (groups.length > 5 || groups.some((g) => (g.filters ?? []).length > 6)) return hsError(res, 400, 'VALIDATION_ERROR', 'too many filters');
    const sorts: any[] = body.sorts ?? [];
    if (sorts.length > 1) return hsError(res, 400, 'VALIDATION_ERROR', 'only one sort is allowed');
    const known = new Set([s.created, s.modified, 'hs_object_id', ...s.defaults]);
    for (const f of groups.flatMap((g) => g.filters ?? [])) {
      if (!known.has(f.propertyName)) return hsError(res, 400, 'VALIDATION_ERROR', `There was a problem with the request. Property "${f.propertyName}" does not exist on ${objectType}.`);
    }
    for (const so of sorts) if (!known.has(so.propertyName)) return hsError(res, 400, 'VALIDATION_ERROR', `Property "${so.propertyName}" does not exist on ${objectType}.`);
    const num = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Date.parse(String(v)));
    const test = (rec: FakeRecord, f: any): boolean => {
      const v: any = valueOf(rec, f.propertyName, s);
      const cmp: any = typeof v === 'number' ? num(f.value) : f.value;
      switch (f.operator) {
        case 'EQ': return v === cmp;
        case 'NEQ': return v !== cmp;
        case 'GT': return v !== undefined && v > cmp;
        case 'GTE': return v !== undefined && v >= cmp;
        case 'LT': return v !== undefined && v < cmp;
        case 'LTE': return v !== undefined && v <= cmp;
        case 'BETWEEN': return v !== undefined && v >= cmp && v <= (typeof v === 'number' ? num(f.highValue) : f.highValue);
        case 'HAS_PROPERTY': return v !== undefined;
        default: throw new Error(`operator ${f.operator}`);
      }
    };
    const all = fake.records.get(objectType) ?? [];
    const matching = all.filter((rec) => groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f: any) => test(rec, f))));
    const sort = sorts[0] ?? { propertyName: s.created, direction: 'ASCENDING' };
    const dir = sort.direction === 'DESCENDING' ? -1 : 1;
    matching.sort((a, b) => {
      const va = valueOf(a, sort.propertyName, s) ?? '';
      const vb = valueOf(b, sort.propertyName, s) ?? '';
      return (va < vb ? -dir : va > vb ? dir : 0) || a.id - b.id;
    });
    const after = body.after === undefined || body.after === null || body.after === '' ? 0 : Number(body.after);
    if (!Number.isInteger(after) || after < 0) return hsError(res, 400, 'VALIDATION_ERROR', 'after must be a paging cursor');
    if (after + limit > 10_000) return hsError(res, 400, 'VALIDATION_ERROR', 'The search API can page through at most 10,000 results.');
    const page = matching.slice(after, after + limit).map((rec) => render(rec, s));
    if (fake.reversePages) page.reverse();
    const more = after + limit < matching.length;
    return json(res, 200, { total: matching.length, results: page, ...(more ? { paging: { next: { after: String(after + limit), link: `?after=${after + limit}` } } } : {}) });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : undefined;
      fake.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, auth: req.headers.authorization, body });
      if (req.method === 'POST' && (url.pathname === '/oauth/v3/token' || url.pathname === '/oauth/v1/token')) {
        if (body?.grant_type !== 'refresh_token' || !fake.refreshTokens.has(String(body.refresh_token))) {
          return json(res, 400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token', error: 'invalid_grant' });
        }
        const access = fake.refreshTokens.get(String(body.refresh_token)) ?? `access-${++rotation}`;
        fake.validTokens.add(access);
        return json(res, 200, { access_token: access, refresh_token: String(body.refresh_token), expires_in: 1800, token_type: 'bearer' });
      }
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body ?? { status: 'error', message: 'scripted failure', category: 'INTERNAL_ERROR' }, failure.headers);
      const tokenMeta = /^\/oauth\/v1\/access-tokens\/(.+)$/.exec(url.pathname);
      if (req.method === 'GET' && tokenMeta) {
        const token = decodeURIComponent(tokenMeta[1] ?? '');
        if (!fake.validTokens.has(token)) return json(res, 404, { status: 'error', message: 'Token not found', category: 'OBJECT_NOT_FOUND' });
        return json(res, 200, { ...accessToken, token });
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !fake.validTokens.has(token)) {
        return json(res, 401, { status: 'error', message: 'The OAuth token used to make this call expired 2 minute(s) ago.', correlationId: 'fake-correlation-id', category: 'EXPIRED_AUTHENTICATION' });
      }
      const m = /^\/crm\/v3\/objects\/([^/]+)\/search$/.exec(url.pathname);
      if (req.method === 'POST' && m) return search(res, decodeURIComponent(m[1] ?? ''), body ?? {});
      return json(res, 404, { status: 'error', message: 'no such endpoint', category: 'OBJECT_NOT_FOUND' });
    })().catch((err: unknown) => json(res, 500, { status: 'error', message: String(err), category: 'INTERNAL_ERROR' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return fake;
}
