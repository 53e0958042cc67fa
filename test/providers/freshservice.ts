// A fake Freshservice (API v2) over real HTTP, one account per path prefix: `/{domain}/api/v2/…` stands for
// `https://{domain}.freshservice.com/api/v2/…` (tests set apiBaseUrl to `${url}/{domain}/api/v2`, so every call shows
// the engine filled in the credential's domain). What the integration uses:
// - `GET /api/v2/tickets` → `{"tickets": [...]}`: updated_since, order_type asc|desc (sorted by created_at, default
//   desc), include=stats (adds `stats.resolved_at/closed_at/first_responded_at`), per_page ≤ 100 (default 30), page;
//   without updated_since only tickets created in the last 30 days.
// - `GET /api/v2/changes` → `{"changes": [...]}`: updated_since, per_page, page; newest created first.
// Auth is HTTP Basic with the API key as user and `X` as password; anything else is 401 `invalid_credentials`.
// Errors are `{description, errors: [{field, message, code}]}` (400) or `{code, message}`; 429 carries Retry-After.
// Every list carries X-RateLimit-* headers and `Link: <…>; rel="next"` while another page exists. `updated_since` is
// treated as exclusive (the stricter reading; not documented). Times render as `YYYY-MM-DDTHH:MM:SSZ`.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import changeExample from '../../src/integrations/freshservice/fixtures/change.json' with { type: 'json' };
import ticketExample from '../../src/integrations/freshservice/fixtures/ticket.json' with { type: 'json' };

const DAY = 24 * 3600_000;

export interface FakeRecord {
  id: number;
  createdAt: number;
  updatedAt: number;
  status: number;
  subject: string;
  group_id: number | null;
  resolvedAt?: number | null;
  closedAt?: number | null;
}

export interface FreshserviceRequest {
  method: string;
  domain: string;
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
}

export interface FakeFreshservice {
  url: string;
  /** The account domain the fake answers for. */
  domain: string;
  validKeys: Set<string>;
  tickets: FakeRecord[];
  changes: FakeRecord[];
  requests: FreshserviceRequest[];
  /** Called (and awaited) before a ticket list page is computed: lets a test change tickets mid-sweep. */
  beforeTicketsPage?: (n: number) => void | Promise<void>;
  addTicket(t: Partial<FakeRecord> & { createdAt: number }): FakeRecord;
  /** A new version of a ticket: updated_at moves (and any other field given). */
  updateTicket(id: number, at: number, changes?: Partial<FakeRecord>): FakeRecord;
  addChange(c: Partial<FakeRecord> & { createdAt: number }): FakeRecord;
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  ticketLists(): FreshserviceRequest[];
  changeLists(): FreshserviceRequest[];
  close(): Promise<void>;
}

export function basicAuth(apiKey: string): string {
  return Buffer.from(`${apiKey}:X`).toString('base64');
}

export function freshserviceRateLimitHeaders(retryAfterSeconds: number): Record<string, string> {
  return { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-total': '140', 'x-ratelimit-remaining': '0', 'x-ratelimit-used-currentrequest': '1' };
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoOrNull = (ms: number | null | undefined) => (typeof ms === 'number' ? iso(ms) : null);
const sec = (ms: number) => Math.floor(ms / 1000);

export async function startFakeFreshservice(opts: { now?: () => number; domain?: string } = {}): Promise<FakeFreshservice> {
  const now = opts.now ?? Date.now;
  const domain = opts.domain ?? 'acme';
  let failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let ticketPages = 0;
  let nextTicketId = 1000;
  let nextChangeId = 7000;
  const state = {
    validKeys: new Set<string>(['fs-key-1']),
    tickets: [] as FakeRecord[],
    changes: [] as FakeRecord[],
    requests: [] as FreshserviceRequest[],
  };
  const fake: Partial<FakeFreshservice> = {};

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-total': '140', 'x-ratelimit-remaining': '139', 'x-ratelimit-used-currentrequest': '1', ...headers });
    res.end(JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, field: string, message: string) =>
    send(res, 400, { description: 'Validation failed', errors: [{ field, message, code: 'invalid_value' }] });

  const renderTicket = (stats: boolean) => (t: FakeRecord) => ({
    ...ticketExample, id: t.id, subject: t.subject, status: t.status, group_id: t.group_id,
    created_at: iso(t.createdAt), updated_at: iso(t.updatedAt),
    ...(stats ? { stats: { resolved_at: isoOrNull(t.resolvedAt), closed_at: isoOrNull(t.closedAt), first_responded_at: null } } : {}),
  });
  const renderChange = (c: FakeRecord) => ({ ...changeExample, id: c.id, subject: c.subject, status: c.status, group_id: c.group_id, created_at: iso(c.createdAt), updated_at: iso(c.updatedAt) });

  const paging = (res: ServerResponse, q: URLSearchParams): { page: number; perPage: number } | null => {
    const perPage = q.has('per_page') ? Number(q.get('per_page')) : 30;
    const page = q.has('page') ? Number(q.get('page')) : 1;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return invalid(res, 'per_page', 'It should be a Positive Integer less than or equal to 100'), null;
    if (!Number.isInteger(page) || page < 1) return invalid(res, 'page', 'It should be a Positive Integer'), null;
    return { page, perPage };
  };
  const since = (res: ServerResponse, q: URLSearchParams): number | null | undefined => {
    const raw = q.get('updated_since');
    if (raw === null) return undefined;
    const t = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/.test(raw) ? Date.parse(raw) : Number.NaN;
    if (!Number.isFinite(t)) return invalid(res, 'updated_since', "It should be in the 'valid date time' format"), null;
    return t;
  };
  const pageOf = <T>(res: ServerResponse, url: URL, member: string, all: T[], page: number, perPage: number, render: (x: T) => unknown) => {
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    send(res, 200, { [member]: slice.map(render) }, headers);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'x'}`);
      const m = /^\/([^/]+)(\/api\/v2\/.*)$/.exec(url.pathname);
      const query = Object.fromEntries(url.searchParams.entries());
      state.requests.push({ method: req.method ?? 'GET', domain: m?.[1] ?? '', path: m?.[2] ?? url.pathname, query, auth: req.headers.authorization });
      if (!m || m[1] !== domain) return send(res, 404, { code: 'not_found', message: 'No such account' });
      const failure = failures.shift();
      if (failure) return send(res, failure.status, failure.status === 429 ? { code: 'too_many_requests', message: 'You have exceeded the limit of requests per minute' } : { code: 'internal_error', message: 'scripted failure' }, failure.headers);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [key, password] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
      if (!key || password !== 'X' || !state.validKeys.has(key)) {
        return send(res, 401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });
      }
      const path = m[2]!;
      if (req.method === 'GET' && (path === '/api/v2/tickets' || path === '/api/v2/changes')) {
        const p = paging(res, url.searchParams);
        if (!p) return;
        const updatedSince = since(res, url.searchParams);
        if (updatedSince === null) return;
        const orderType = url.searchParams.get('order_type') ?? 'desc';
        if (!['asc', 'desc'].includes(orderType)) return invalid(res, 'order_type', "It should be one of these values: 'asc,desc'");
        const tickets = path === '/api/v2/tickets';
        if (tickets) {
          ticketPages++;
          await fake.beforeTicketsPage?.(ticketPages);
        }
        const list = (tickets ? state.tickets : state.changes)
          .filter((t) => (updatedSince === undefined ? t.createdAt >= now() - 30 * DAY : sec(t.updatedAt) > sec(updatedSince)))
          .sort((a, b) => sec(a.createdAt) - sec(b.createdAt) || a.id - b.id);
        if (orderType === 'desc') list.reverse();
        if (!tickets) return pageOf(res, url, 'changes', list, p.page, p.perPage, renderChange);
        const include = url.searchParams.get('include');
        if (include !== null && include !== 'stats' && include !== 'requester') return invalid(res, 'include', "It should be one of these values: 'stats,requester'");
        return pageOf(res, url, 'tickets', list, p.page, p.perPage, renderTicket(include === 'stats'));
      }
      send(res, 404, { code: 'not_found', message: 'The requested resource was not found' });
    })().catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const methods: Omit<FakeFreshservice, 'beforeTicketsPage'> = {
    url: `http://127.0.0.1:${port}`,
    domain,
    ...state,
    addTicket(t) {
      const ticket: FakeRecord = { id: nextTicketId++, status: 2, subject: 'Support Needed...', group_id: null, updatedAt: t.createdAt, ...t };
      state.tickets.push(ticket);
      return ticket;
    },
    updateTicket(id, at, changes = {}) {
      const t = state.tickets.find((x) => x.id === id);
      if (!t) throw new Error(`no ticket ${id}`);
      Object.assign(t, changes, { updatedAt: at });
      return t;
    },
    addChange(c) {
      const change: FakeRecord = { id: nextChangeId++, status: 1, subject: 'Upgrade the mail server', group_id: null, updatedAt: c.createdAt, ...c };
      state.changes.push(change);
      return change;
    },
    failNext(count, status, headers = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers }))];
    },
    ticketLists: () => state.requests.filter((r) => r.path === '/api/v2/tickets'),
    changeLists: () => state.requests.filter((r) => r.path === '/api/v2/changes'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return Object.assign(fake, methods);
}
