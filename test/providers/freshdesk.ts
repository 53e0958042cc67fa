// A fake Freshdesk (API v2) over real HTTP, one helpdesk per path prefix: `/{domain}/api/v2/…` stands for
// `https://{domain}.freshdesk.com/api/v2/…` (tests set apiBaseUrl to `${url}/{domain}/api/v2`, so every call shows
// the engine filled in the credential's domain; another domain answers 404). What the integration uses —
// `GET /api/v2/tickets` (updated_since, order_by created_at|updated_at, order_type asc|desc, per_page ≤ 100,
// page ≤ 300; without updated_since only tickets created in the last 30 days) and `GET /api/v2/contacts`
// (_updated_since, per_page, page; no documented order: the fake lists by id). Auth is HTTP Basic with the API key
// as user and `X` as password; anything else is 401 `invalid_credentials`. Errors are
// `{description, errors: [{field, message, code}]}` (400) or `{code, message}`; 429 carries Retry-After. Every answer
// carries X-Ratelimit-Total / X-Ratelimit-Remaining / X-Ratelimit-Used-CurrentRequest, and lists a
// `Link: <…>; rel="next"` header when another page exists. `updated_since` is treated as exclusive (the stricter
// reading; Freshdesk does not document which it is). Timestamps are rendered `YYYY-MM-DDTHH:MM:SSZ` (second
// precision), as in Freshdesk's examples.
//
// Docs followed: https://developers.freshdesk.com/api/ (Authentication, Rate limit, Pagination, List All Tickets,
// List All Contacts, View a Ticket, View a Contact).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import ticketExample from '../../src/integrations/freshdesk/fixtures/ticket.json' with { type: 'json' };
import contactExample from '../../src/integrations/freshdesk/fixtures/contact.json' with { type: 'json' };

const DAY = 24 * 3600_000;

export interface FakeTicket {
  id: number;
  createdAt: number;
  updatedAt: number;
  status: number;
  subject: string;
  group_id: number | null;
  company_id: number | null;
}

export interface FakeContact {
  id: number;
  name: string;
  email: string;
  createdAt: number;
  updatedAt: number;
}

export interface FreshdeskRequest {
  method: string;
  /** The helpdesk the request was addressed to (the path prefix). */
  domain: string;
  /** The path after the domain: `/api/v2/tickets`. */
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
}

export interface FakeFreshdesk {
  url: string;
  /** The helpdesk domain the fake answers for. */
  domain: string;
  /** API keys the helpdesk accepts. */
  validKeys: Set<string>;
  tickets: FakeTicket[];
  contacts: FakeContact[];
  requests: FreshdeskRequest[];
  /** Called (and awaited) before a ticket list page is computed: lets a test change tickets mid-poll. */
  beforeTicketsPage?: (n: number) => void | Promise<void>;
  addTicket(t: Partial<FakeTicket> & { createdAt: number }): FakeTicket;
  /** A new version of a ticket: updated_at moves (and any other field given). */
  updateTicket(id: number, at: number, changes?: Partial<FakeTicket>): FakeTicket;
  addContact(c: Partial<FakeContact> & { createdAt: number }): FakeContact;
  /** Answer the next N API requests with this status (e.g. 429 with Retry-After, 503). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  ticketLists(): FreshdeskRequest[];
  contactLists(): FreshdeskRequest[];
  close(): Promise<void>;
}

export function basicAuth(apiKey: string): string {
  return Buffer.from(`${apiKey}:X`).toString('base64');
}

export function freshdeskRateLimitHeaders(retryAfterSeconds: number): Record<string, string> {
  return { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-total': '200', 'x-ratelimit-remaining': '0', 'x-ratelimit-used-currentrequest': '1' };
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sec = (ms: number) => Math.floor(ms / 1000);

export async function startFakeFreshdesk(opts: { now?: () => number; domain?: string } = {}): Promise<FakeFreshdesk> {
  const now = opts.now ?? Date.now;
  const domain = opts.domain ?? 'acme';
  let failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let ticketPages = 0;
  let nextTicketId = 1000;
  let nextContactId = 5000;
  const state = {
    validKeys: new Set<string>(['fd-key-1']),
    tickets: [] as FakeTicket[],
    contacts: [] as FakeContact[],
    requests: [] as FreshdeskRequest[],
  };
  const fake: Partial<FakeFreshdesk> = {};

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-total': '200', 'x-ratelimit-remaining': '199', 'x-ratelimit-used-currentrequest': '1', ...headers });
    res.end(JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, field: string, message: string) =>
    send(res, 400, { description: 'Validation failed', errors: [{ field, message, code: 'invalid_value' }] });

  const renderTicket = (t: FakeTicket) => ({
    ...ticketExample, id: t.id, subject: t.subject, status: t.status, group_id: t.group_id, company_id: t.company_id,
    created_at: iso(t.createdAt), updated_at: iso(t.updatedAt),
  });
  const renderContact = (c: FakeContact) => ({ ...contactExample, id: c.id, name: c.name, email: c.email, created_at: iso(c.createdAt), updated_at: iso(c.updatedAt) });

  /** page/per_page checks shared by the lists; returns null after answering 400. */
  const paging = (res: ServerResponse, q: URLSearchParams): { page: number; perPage: number } | null => {
    const perPage = q.has('per_page') ? Number(q.get('per_page')) : 30;
    const page = q.has('page') ? Number(q.get('page')) : 1;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return invalid(res, 'per_page', 'It should be a Positive Integer less than or equal to 100'), null;
    if (!Number.isInteger(page) || page < 1) return invalid(res, 'page', 'It should be a Positive Integer'), null;
    if (page > 300) return invalid(res, 'page', 'You cannot access pages beyond 300'), null;
    return { page, perPage };
  };
  const since = (res: ServerResponse, q: URLSearchParams, name: string): number | null | undefined => {
    const raw = q.get(name);
    if (raw === null) return undefined;
    const t = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/.test(raw) ? Date.parse(raw) : Number.NaN;
    if (!Number.isFinite(t)) return invalid(res, name, 'It should be in the \'valid date time\' format'), null;
    return t;
  };
  const pageOf = <T>(res: ServerResponse, url: URL, all: T[], page: number, perPage: number, render: (x: T) => unknown) => {
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length && page < 300) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    send(res, 200, slice.map(render), headers);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'x'}`);
      const query = Object.fromEntries(url.searchParams.entries());
      const m = /^\/([^/]+)(\/api\/v2\/.*)$/.exec(url.pathname);
      const path = m?.[2] ?? url.pathname;
      state.requests.push({ method: req.method ?? 'GET', domain: m?.[1] ?? '', path, query, auth: req.headers.authorization });
      if (!m || m[1] !== domain) return send(res, 404, { code: 'not_found', message: 'No such helpdesk' });
      const failure = failures.shift();
      if (failure) return send(res, failure.status, failure.status === 429 ? { code: 'too_many_requests', message: 'You have exceeded the limit of requests per minute' } : { code: 'internal_error', message: 'scripted failure' }, failure.headers);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [key, password] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
      if (!key || password !== 'X' || !state.validKeys.has(key)) {
        return send(res, 401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });
      }
      if (req.method === 'GET' && path === '/api/v2/tickets') {
        const p = paging(res, url.searchParams);
        if (!p) return;
        const updatedSince = since(res, url.searchParams, 'updated_since');
        if (updatedSince === null) return;
        const orderBy = url.searchParams.get('order_by') ?? 'created_at';
        const orderType = url.searchParams.get('order_type') ?? 'desc';
        if (!['created_at', 'due_by', 'updated_at', 'status'].includes(orderBy)) return invalid(res, 'order_by', 'It should be one of these values: \'created_at,due_by,updated_at,status\'');
        if (!['asc', 'desc'].includes(orderType)) return invalid(res, 'order_type', 'It should be one of these values: \'asc,desc\'');
        await fake.beforeTicketsPage?.(++ticketPages);
        const field = orderBy === 'updated_at' ? 'updatedAt' : 'createdAt';
        const list = state.tickets
          .filter((t) => (updatedSince === undefined ? t.createdAt >= now() - 30 * DAY : sec(t.updatedAt) > sec(updatedSince)))
          .sort((a, b) => sec(a[field]) - sec(b[field]) || a.id - b.id);
        if (orderType === 'desc') list.reverse();
        return pageOf(res, url, list, p.page, p.perPage, renderTicket);
      }
      if (req.method === 'GET' && path === '/api/v2/contacts') {
        const p = paging(res, url.searchParams);
        if (!p) return;
        const updatedSince = since(res, url.searchParams, '_updated_since');
        if (updatedSince === null) return;
        const list = state.contacts.filter((c) => updatedSince === undefined || sec(c.updatedAt) > sec(updatedSince)).sort((a, b) => a.id - b.id);
        return pageOf(res, url, list, p.page, p.perPage, renderContact);
      }
      send(res, 404, { code: 'not_found', message: 'The requested resource was not found' });
    })().catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const methods: Omit<FakeFreshdesk, 'beforeTicketsPage'> = {
    url: `http://127.0.0.1:${port}`,
    domain,
    ...state,
    addTicket(t: Partial<FakeTicket> & { createdAt: number }) {
      const ticket: FakeTicket = { id: nextTicketId++, status: 2, subject: 'Support needed', group_id: null, company_id: null, updatedAt: t.createdAt, ...t };
      state.tickets.push(ticket);
      return ticket;
    },
    updateTicket(id: number, at: number, changes: Partial<FakeTicket> = {}) {
      const t = state.tickets.find((x) => x.id === id);
      if (!t) throw new Error(`no ticket ${id}`);
      Object.assign(t, changes, { updatedAt: at });
      return t;
    },
    addContact(c: Partial<FakeContact> & { createdAt: number }) {
      const contact: FakeContact = { id: nextContactId++, name: 'Green Lantern', email: `lantern${nextContactId}@example.com`, updatedAt: c.createdAt, ...c };
      state.contacts.push(contact);
      return contact;
    },
    failNext(count: number, status: number, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers }))];
    },
    ticketLists: () => state.requests.filter((r) => r.path === '/api/v2/tickets'),
    contactLists: () => state.requests.filter((r) => r.path === '/api/v2/contacts'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return Object.assign(fake, methods);
}
