// A fake Greenhouse (Harvest API v3 and its token endpoint) over real HTTP, following harvestdocs.greenhouse.io:
// - `POST /token`: HTTP Basic client authentication (client id:secret), form `grant_type=client_credentials` and
//   `sub` (the numeric id of a user of the account); answers `{access_token, token_type, expires_in: 3600}`. A wrong
//   client is refused 401 `invalid_client`; an unknown or missing `sub` 400 `invalid_request` (Greenhouse's exact answer
//   to a bad `sub` is not confirmed).
// - `GET /v3/candidates|applications|offers|jobs` with `Authorization: Bearer <token>` (else 401), filters
//   `created_at` / `updated_at` as `<op>|<ISO 8601>` with op gte, gt, lte, lt (else 422), `job_ids` on applications and
//   offers, `per_page` 1..500 (else 422); answers a JSON array, and a `Link: <…?cursor=…>; rel="next"` header when
//   there is more. The next URL names harvest.greenhouse.io (as Greenhouse's does), so a client that called the host in
//   the answer would leave the fake. A request with `cursor` and any other parameter is refused 400, as documented.
// - 429 carries Retry-After in seconds (failNext).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonOrFormBody } from '../helpers/request-body.js';
import applicationExample from '../../src/integrations/greenhouse/fixtures/application.json' with { type: 'json' };
import candidateExample from '../../src/integrations/greenhouse/fixtures/candidate.json' with { type: 'json' };
import jobExample from '../../src/integrations/greenhouse/fixtures/job.json' with { type: 'json' };
import offerExample from '../../src/integrations/greenhouse/fixtures/offer.json' with { type: 'json' };

export type Kind = 'candidates' | 'applications' | 'offers' | 'jobs';
const KINDS: Kind[] = ['candidates', 'applications', 'offers', 'jobs'];
const EXAMPLES: Record<Kind, Record<string, unknown>> = { candidates: candidateExample, applications: applicationExample, offers: offerExample, jobs: jobExample };

export interface FakeRecord {
  kind: Kind;
  id: number;
  createdAt: number;
  updatedAt: number;
  jobId: number;
  name: string;
}

export interface GreenhouseRequest {
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
}

export interface TokenRequest {
  basic: string | undefined;
  form: Record<string, string>;
  status: number;
}

export interface FakeGreenhouse {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** User ids `sub` may name. */
  users: Set<string>;
  /** Tokens issued and still valid. */
  tokens: Set<string>;
  records: FakeRecord[];
  requests: GreenhouseRequest[];
  tokenRequests: TokenRequest[];
  add(kind: Kind, r: Partial<FakeRecord> & { createdAt: number }): FakeRecord;
  update(id: number, at: number, changes?: Partial<FakeRecord>): FakeRecord;
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  lists(kind: Kind): GreenhouseRequest[];
  close(): Promise<void>;
}

const OPS: Record<string, (a: number, b: number) => boolean> = { gte: (a, b) => a >= b, gt: (a, b) => a > b, lte: (a, b) => a <= b, lt: (a, b) => a < b };

export async function startFakeGreenhouse(): Promise<FakeGreenhouse> {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let nextId = 5000;
  let tokenCount = 0;
  const state = {
    clientId: 'gh-client-id',
    clientSecret: 'gh-client-secret',
    users: new Set(['4080']),
    tokens: new Set<string>(),
    records: [] as FakeRecord[],
    requests: [] as GreenhouseRequest[],
    tokenRequests: [] as TokenRequest[],
  };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const render = (r: FakeRecord): Record<string, unknown> => {
    const base = { ...EXAMPLES[r.kind], id: r.id, created_at: new Date(r.createdAt).toISOString(), updated_at: new Date(r.updatedAt).toISOString() };
    if (r.kind === 'candidates') return { ...base, first_name: r.name };
    if (r.kind === 'jobs') return { ...base, name: r.name };
    return { ...base, job_id: r.jobId, status: r.name };
  };
  const handleToken = async (req: IncomingMessage, res: ServerResponse) => {
    const form = (await readJsonOrFormBody(req)) as Record<string, string>;
    const record: TokenRequest = { basic: req.headers.authorization, form, status: 200 };
    state.tokenRequests.push(record);
    const refuse = (status: number, error: string) => {
      record.status = status;
      send(res, status, { error });
    };
    const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [id, secret] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':') : [];
    if (id !== api.clientId || secret !== api.clientSecret || form.client_secret !== undefined) return refuse(401, 'invalid_client');
    if (form.grant_type !== 'client_credentials') return refuse(400, 'unsupported_grant_type');
    if (!form.sub || !state.users.has(form.sub)) return refuse(400, 'invalid_request');
    const token = `gh-token-${++tokenCount}`;
    state.tokens.add(token);
    send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'x'}`);
    if (req.method === 'POST' && url.pathname === '/token') return handleToken(req, res);
    const q = Object.fromEntries(url.searchParams.entries());
    state.requests.push({ path: url.pathname, query: q, auth: req.headers.authorization });
    const failure = failures.shift();
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !state.tokens.has(token)) return send(res, 401, { error: 'invalid_token' });
    const kind = KINDS.find((k) => url.pathname === `/v3/${k}`);
    if (req.method !== 'GET' || !kind) return send(res, 404, { error: 'Not found' });
    let filters = q;
    let after = 0;
    if (q.cursor !== undefined) {
      if (Object.keys(q).length > 1) return send(res, 400, { error: 'cursor must be the only query parameter' });
      ({ filters, after } = JSON.parse(Buffer.from(q.cursor, 'base64url').toString()) as { filters: Record<string, string>; after: number });
    }
    const perPage = filters.per_page !== undefined ? Number(filters.per_page) : 100;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 500) return send(res, 422, { errors: [{ message: 'per_page must be between 1 and 500' }] });
    const checks: Array<(r: FakeRecord) => boolean> = [];
    for (const [field, key] of [['created_at', 'createdAt'], ['updated_at', 'updatedAt']] as const) {
      if (filters[field] === undefined) continue;
      const [op, value] = filters[field].split('|');
      const at = Date.parse(value ?? '');
      if (!op || !OPS[op] || !/^\d{4}-\d{2}-\d{2}T/.test(value ?? '') || !Number.isFinite(at)) return send(res, 422, { errors: [{ message: `${field} is invalid` }] });
      checks.push((r) => OPS[op]!(r[key], at));
    }
    if (filters.job_ids !== undefined) {
      if (kind !== 'applications' && kind !== 'offers') return send(res, 422, { errors: [{ message: 'job_ids is not a filter of this list' }] });
      const ids = new Set(filters.job_ids.split(','));
      checks.push((r) => ids.has(String(r.jobId)));
    }
    // Newest id first (what third-party notes say; the integration relies on no order).
    const all = state.records.filter((r) => r.kind === kind && checks.every((c) => c(r))).sort((a, b) => b.id - a.id);
    const rest = after ? all.filter((r) => r.id < after) : all;
    const page = rest.slice(0, perPage);
    const headers: Record<string, string> = {};
    if (rest.length > perPage) {
      const cursor = Buffer.from(JSON.stringify({ filters, after: page[page.length - 1]!.id })).toString('base64url');
      headers.link = `<https://harvest.greenhouse.io/v3/${kind}?cursor=${cursor}>; rel="next"`;
    }
    send(res, 200, page.map(render), headers);
  };
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // Returned as one object the token endpoint reads, so a test may change the client (a secret regenerated in Greenhouse).
  const api: FakeGreenhouse = {
    url,
    tokenUrl: `${url}/token`,
    ...state,
    add(kind, r) {
      const rec: FakeRecord = { kind, id: nextId++, updatedAt: r.createdAt, jobId: 4690051, name: kind === 'offers' ? 'Created' : kind === 'applications' ? 'active' : 'Jane', ...r };
      state.records.push(rec);
      return rec;
    },
    update(id, at, changes = {}) {
      const r = state.records.find((x) => x.id === id);
      if (!r) throw new Error(`no record ${id}`);
      Object.assign(r, changes, { updatedAt: at });
      return r;
    },
    failNext(count, status, headers = {}, body = { error: status === 429 ? 'Too Many Requests' : 'scripted failure' }) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    lists: (kind) => state.requests.filter((r) => r.path === `/v3/${kind}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return api;
}
