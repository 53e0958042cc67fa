// A fake Harvest API v2 over real HTTP: what the integration uses — `GET /v2/time_entries` (project_id, client_id,
// updated_since), `GET /v2/projects` (client_id, updated_since) and `GET /v2/invoices` (client_id, project_id,
// updated_since), each paginated with per_page (1..2000, default 2000; larger → 422) and `links.next`, a
// cursor-based URL (`?cursor=…&per_page=…&ref=next_cursor`, filters kept) as in Harvest's pagination page.
// Every request needs `Authorization: Bearer <token>` (else 401 `{error: "invalid_token", error_description}`),
// `Harvest-Account-Id` of an account the token reaches (else 403 `{message}`; not confirmed what Harvest answers) and a
// User-Agent (else 400). 429 carries Retry-After in seconds. `updated_since` is treated as exclusive at second
// precision (the stricter reading; Harvest does not say). Lists are ordered by id here (the real order differs per
// list; the integration does not rely on any order).
//
// Harvest ID's token endpoint is served too (`POST /api/v2/oauth2/token`, form-encoded code, client_id, client_secret,
// grant_type), answering a Bearer token with a refresh token, for the connect test.
//
// Docs followed: https://help.getharvest.com/api-v2/ (Overview, Authentication, Pagination, Time Entries, Projects,
// Invoices).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonOrFormBody } from '../helpers/request-body.js';
import timeEntryExample from '../../src/integrations/harvest/fixtures/time-entry.json' with { type: 'json' };
import projectExample from '../../src/integrations/harvest/fixtures/project.json' with { type: 'json' };
import invoiceExample from '../../src/integrations/harvest/fixtures/invoice.json' with { type: 'json' };

export type Kind = 'time_entries' | 'projects' | 'invoices';

export interface FakeRecord {
  kind: Kind;
  id: number;
  createdAt: number;
  updatedAt: number;
  projectId: number;
  clientId: number;
  notes: string;
}

export interface HarvestRequest {
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
  accountId: string | undefined;
  userAgent: string | undefined;
}

export interface FakeHarvest {
  url: string;
  /** token → the account ids it reaches. */
  tokens: Map<string, Set<string>>;
  records: FakeRecord[];
  requests: HarvestRequest[];
  clientId: string;
  clientSecret: string;
  /** authorization code → the access token it grants (and the accounts it reaches). */
  codes: Map<string, { token: string; accounts: string[] }>;
  tokenRequests: Array<Record<string, string>>;
  add(kind: Kind, r: Partial<FakeRecord> & { createdAt: number }): FakeRecord;
  update(id: number, at: number, changes?: Partial<FakeRecord>): FakeRecord;
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  lists(kind: Kind): HarvestRequest[];
  close(): Promise<void>;
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sec = (ms: number) => Math.floor(ms / 1000);

export async function startFakeHarvest(): Promise<FakeHarvest> {
  let failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let nextId = 1000;
  const state = {
    tokens: new Map<string, Set<string>>([['hv-token-1', new Set(['123456'])]]),
    records: [] as FakeRecord[],
    requests: [] as HarvestRequest[],
    clientId: 'hv-client-id',
    clientSecret: 'hv-client-secret',
    codes: new Map<string, { token: string; accounts: string[] }>(),
    tokenRequests: [] as Array<Record<string, string>>,
  };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const render = (r: FakeRecord): Record<string, unknown> => {
    const times = { id: r.id, created_at: iso(r.createdAt), updated_at: iso(r.updatedAt) };
    if (r.kind === 'time_entries') return { ...timeEntryExample, ...times, notes: r.notes, project: { ...timeEntryExample.project, id: r.projectId }, client: { ...timeEntryExample.client, id: r.clientId } };
    if (r.kind === 'projects') return { ...projectExample, ...times, name: r.notes, client: { ...projectExample.client, id: r.clientId } };
    return { ...invoiceExample, ...times, subject: r.notes, client: { ...invoiceExample.client, id: r.clientId }, line_items: [{ ...invoiceExample.line_items[0], project: { ...invoiceExample.line_items[0]!.project, id: r.projectId } }] };
  };
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'x'}`);
    const q = Object.fromEntries(url.searchParams.entries());
    const accountId = req.headers['harvest-account-id'] as string | undefined;
    if (req.method === 'POST' && url.pathname === '/api/v2/oauth2/token') {
      const form = (await readJsonOrFormBody(req)) as Record<string, string>;
      state.tokenRequests.push(form);
      const grant = state.codes.get(form.code ?? '');
      if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret || form.grant_type !== 'authorization_code' || !grant) return send(res, 400, { error: 'invalid_grant' });
      state.codes.delete(form.code!);
      state.tokens.set(grant.token, new Set(grant.accounts));
      return send(res, 200, { access_token: grant.token, token_type: 'bearer', expires_in: 1209600, refresh_token: `refresh-${grant.token}` });
    }
    state.requests.push({ path: url.pathname, query: q, auth: req.headers.authorization, accountId, userAgent: req.headers['user-agent'] });
    const failure = failures.shift();
    if (failure) return send(res, failure.status, { message: failure.status === 429 ? 'Too Many Requests' : 'scripted failure' }, failure.headers);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const accounts = token ? state.tokens.get(token) : undefined;
    if (!accounts) return send(res, 401, { error: 'invalid_token', error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.' });
    if (!req.headers['user-agent']) return send(res, 400, { message: 'User-Agent header is required' });
    if (!accountId || !accounts.has(accountId)) return send(res, 403, { message: 'You do not have access to this account' });
    const kind = (['time_entries', 'projects', 'invoices'] as const).find((k) => url.pathname === `/v2/${k}`);
    if (req.method !== 'GET' || !kind) return send(res, 404, { message: 'Not found' });
    const perPage = q.per_page !== undefined ? Number(q.per_page) : 2000;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 2000) return send(res, 422, { message: 'per_page must be between 1 and 2000' });
    let since: number | undefined;
    if (q.updated_since !== undefined) {
      since = Date.parse(q.updated_since);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(q.updated_since) || !Number.isFinite(since)) return send(res, 422, { message: 'updated_since is not a valid date time' });
    }
    const after = q.cursor ? (JSON.parse(Buffer.from(q.cursor, 'base64url').toString()) as { after: { id: number } }).after.id : 0;
    const all = state.records
      .filter((r) => r.kind === kind && (since === undefined || sec(r.updatedAt) > sec(since)))
      .filter((r) => (q.project_id === undefined || String(r.projectId) === q.project_id) && (q.client_id === undefined || String(r.clientId) === q.client_id))
      .sort((a, b) => a.id - b.id);
    const rest = all.filter((r) => r.id > after);
    const page = rest.slice(0, perPage);
    let next: string | null = null;
    if (rest.length > perPage) {
      const n = new URL(url.toString());
      n.searchParams.delete('page');
      n.searchParams.set('cursor', Buffer.from(JSON.stringify({ after: { id: page[page.length - 1]!.id } })).toString('base64url'));
      n.searchParams.set('per_page', String(perPage));
      n.searchParams.set('ref', 'next_cursor');
      next = n.toString();
    }
    send(res, 200, {
      [kind]: page.map(render), per_page: perPage, total_pages: Math.max(1, Math.ceil(all.length / perPage)), total_entries: all.length,
      page: q.cursor ? null : 1, next_page: null, previous_page: null,
      links: { first: `${url.origin}${url.pathname}?page=1&per_page=${perPage}&ref=first`, next, previous: null, last: null },
    });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    add(kind, r) {
      const rec: FakeRecord = { kind, id: nextId++, updatedAt: r.createdAt, projectId: 14307913, clientId: 5735774, notes: 'Adding CSS styling', ...r };
      state.records.push(rec);
      return rec;
    },
    update(id, at, changes = {}) {
      const r = state.records.find((x) => x.id === id);
      if (!r) throw new Error(`no record ${id}`);
      Object.assign(r, changes, { updatedAt: at });
      return r;
    },
    failNext(count, status, headers = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers }))];
    },
    lists: (kind) => state.requests.filter((r) => r.path === `/v2/${kind}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
