// A fake Recurly API v2021-02-25 over real HTTP: what the integration uses — `GET /accounts`, `/subscriptions`,
// `/invoices` and `/transactions` with `sort` (created_at | updated_at), `order` (asc | desc), `begin_time`
// (inclusive, ISO 8601), `limit` (1..200, default 20) and cursor paging: `{object: "list", has_more, next, data}`,
// `next` being a path with `cursor` and the other parameters kept, as in Recurly's pagination guide.
// Every request needs HTTP Basic with a known API key as user name and an empty password (else 401
// `{error: {type: "unauthorized", message}}`) and `Accept: application/vnd.recurly.v2021-02-25+json` (else 406
// `invalid_api_version`). A scripted 429 carries X-RateLimit-Limit/Remaining/Reset (Unix seconds), no Retry-After.
//
// Docs followed: https://recurly.com/developers/api/v2021-02-25/ (Getting started: versioning, errors, pagination,
// rate limits) and https://recurly.com/developers/guides/pagination.html.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import accountExample from '../../src/integrations/recurly/fixtures/account.json' with { type: 'json' };
import invoiceExample from '../../src/integrations/recurly/fixtures/invoice.json' with { type: 'json' };
import subscriptionExample from '../../src/integrations/recurly/fixtures/subscription.json' with { type: 'json' };
import transactionExample from '../../src/integrations/recurly/fixtures/transaction.json' with { type: 'json' };

export type Kind = 'accounts' | 'subscriptions' | 'invoices' | 'transactions';

export interface FakeRecord {
  kind: Kind;
  id: string;
  createdAt: number;
  updatedAt: number;
  /** Other fields rendered over the example (state, status, canceled_at, plan, type, …). */
  fields: Record<string, unknown>;
}

export interface RecurlyRequest {
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
  accept: string | undefined;
}

export interface FakeRecurly {
  url: string;
  apiKeys: Set<string>;
  records: FakeRecord[];
  requests: RecurlyRequest[];
  add(kind: Kind, createdAt: number, fields?: Record<string, unknown>): FakeRecord;
  update(id: string, at: number, fields?: Record<string, unknown>): FakeRecord;
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  lists(kind: Kind): RecurlyRequest[];
  close(): Promise<void>;
}

export const RECURLY_KEY = 'rc-private-key-1';
const ACCEPT = 'application/vnd.recurly.v2021-02-25+json';
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const EXAMPLES: Record<Kind, Record<string, unknown>> = { accounts: accountExample, subscriptions: subscriptionExample, invoices: invoiceExample, transactions: transactionExample };

export async function startFakeRecurly(): Promise<FakeRecurly> {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let nextId = 1;
  const state = { apiKeys: new Set([RECURLY_KEY]), records: [] as FakeRecord[], requests: [] as RecurlyRequest[] };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/vnd.recurly.v2021-02-25+json; charset=utf-8', 'recurly-version': 'recurly.v2021-02-25', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}) => send(res, status, { error: { type, message } }, headers);
  const render = (r: FakeRecord) => ({ ...EXAMPLES[r.kind], id: r.id, created_at: iso(r.createdAt), updated_at: iso(r.updatedAt), ...r.fields });
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    }
  });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'x'}`);
    const q = Object.fromEntries(url.searchParams.entries());
    state.requests.push({ path: url.pathname, query: q, auth: req.headers.authorization, accept: req.headers.accept });
    const failure = failures.shift();
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const decoded = basic ? Buffer.from(basic, 'base64').toString() : '';
    const key = decoded.endsWith(':') ? decoded.slice(0, -1) : null;
    if (!key || !state.apiKeys.has(key)) return error(res, 401, 'unauthorized', 'Invalid API key');
    if (req.headers.accept !== ACCEPT) return error(res, 406, 'invalid_api_version', "That accept header isn't in the format we use to specify an API version.");
    const kind = (['accounts', 'subscriptions', 'invoices', 'transactions'] as const).find((k) => url.pathname === `/${k}`);
    if (req.method !== 'GET' || !kind) return error(res, 404, 'not_found', `Couldn't find a route for ${req.method} ${url.pathname}`);
    const limit = q.limit !== undefined ? Number(q.limit) : 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return error(res, 400, 'invalid_request', 'limit must be between 1 and 200');
    const sort = q.sort ?? 'created_at';
    const order = q.order ?? 'desc';
    if (!['created_at', 'updated_at'].includes(sort) || !['asc', 'desc'].includes(order)) return error(res, 400, 'invalid_request', 'invalid sort or order');
    const field = (r: FakeRecord) => Math.floor((sort === 'updated_at' ? r.updatedAt : r.createdAt) / 1000) * 1000;
    let begin = -Infinity;
    if (q.begin_time !== undefined) {
      begin = Date.parse(q.begin_time);
      if (!Number.isFinite(begin)) return error(res, 400, 'invalid_request', 'begin_time is not a valid ISO8601 timestamp');
    }
    const all = state.records
      .filter((r) => r.kind === kind && field(r) >= begin)
      .sort((a, b) => (order === 'asc' ? field(a) - field(b) || a.id.localeCompare(b.id) : field(b) - field(a) || b.id.localeCompare(a.id)));
    const offset = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString()) : 0;
    const page = all.slice(offset, offset + limit);
    const hasMore = offset + limit < all.length;
    let next: string | null = null;
    if (hasMore) {
      const n = new URLSearchParams({ ...q, cursor: Buffer.from(String(offset + limit)).toString('base64url') });
      next = `/${kind}?${n.toString()}`;
    }
    send(res, 200, { object: 'list', has_more: hasMore, next, data: page.map(render) });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    add(kind, createdAt, fields = {}) {
      const rec: FakeRecord = { kind, id: `rc${String(nextId++).padStart(10, '0')}`, createdAt, updatedAt: createdAt, fields };
      state.records.push(rec);
      return rec;
    },
    update(id, at, fields = {}) {
      const r = state.records.find((x) => x.id === id);
      if (!r) throw new Error(`no record ${id}`);
      Object.assign(r.fields, fields);
      r.updatedAt = at;
      return r;
    },
    failNext(count, status, headers = {}, body = { error: { type: status === 429 ? 'rate_limited' : 'internal_server_error', message: status === 429 ? 'You have made too many API requests.' : 'scripted failure' } }) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    lists: (kind) => state.requests.filter((r) => r.path === `/${kind}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
