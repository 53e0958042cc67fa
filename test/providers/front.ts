// A fake Front Core API over real HTTP: what the integration uses — `GET /me` (the company) and `GET /events`
// (List events: `q[types][]`, `q[inboxes][]`, `q[after]`/`q[before]` in seconds with up to 3 decimals,
// `sort_by=created_at`, `sort_order=asc|desc` (default desc, newest first), `limit` ≤ 15, `page_token`), answering
// `{_pagination: {next}, _links, _results}` where `next` is an absolute URL on the company's own API host
// (`https://acme.api.frontapp.com/events?page_token=…`, never reachable from tests) carrying only the page token.
// Auth is `Authorization: Bearer <token>`; anything else is 401. Errors are `{_error: {status, title, message}}`;
// 429 carries Retry-After. `q[after]`/`q[before]` are treated as exclusive (the stricter reading).
//
// Docs followed: https://dev.frontapp.com/reference/listevents, https://dev.frontapp.com/reference/events,
// https://dev.frontapp.com/docs/rate-limiting, https://dev.frontapp.com/docs/oauth.
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import assignExample from '../../src/integrations/front/fixtures/event-assign.json' with { type: 'json' };
import commentExample from '../../src/integrations/front/fixtures/event-comment.json' with { type: 'json' };
import inboundExample from '../../src/integrations/front/fixtures/event-inbound.json' with { type: 'json' };
import outboundExample from '../../src/integrations/front/fixtures/event-outbound.json' with { type: 'json' };
import tagExample from '../../src/integrations/front/fixtures/event-tag.json' with { type: 'json' };

const EXAMPLES: Record<string, any> = { inbound: inboundExample, outbound: outboundExample, assign: assignExample, tag: tagExample, comment: commentExample };

export interface FakeFrontEvent {
  id: string;
  type: string;
  /** Emission time, epoch ms. */
  emittedAt: number;
  inboxId: string;
  /** For `tag` events: the tag added. */
  tagId?: string;
}

export interface FrontRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  host: string | undefined;
  auth: string | undefined;
}

export interface FakeFront {
  url: string;
  companyId: string;
  validTokens: Set<string>;
  events: FakeFrontEvent[];
  requests: FrontRequest[];
  addEvent(e: Omit<FakeFrontEvent, 'id' | 'inboxId'> & { inboxId?: string }): FakeFrontEvent;
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  eventLists(): FrontRequest[];
  close(): Promise<void>;
}

interface PageState { types: string[]; inboxes: string[]; after?: number; before?: number; asc: boolean; limit: number; offset: number }

export async function startFakeFront(): Promise<FakeFront> {
  let failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let nextId = 0x55c8c200;
  const tokens = new Map<string, PageState>();
  const state = { validTokens: new Set<string>(['front-token-1']), events: [] as FakeFrontEvent[], requests: [] as FrontRequest[] };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '49', 'x-ratelimit-reset': '1700000060', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, title: string, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { _error: { status, title, message } }, headers);

  const render = (e: FakeFrontEvent) => {
    const example = EXAMPLES[e.type] ?? inboundExample;
    const target = e.type === 'tag' && e.tagId ? { ...example.target, data: { ...example.target.data, id: e.tagId } } : example.target;
    const source = example.source?._meta?.type === 'inboxes' ? { _meta: { type: 'inboxes' }, data: [{ ...example.source.data[0], id: e.inboxId }] } : example.source;
    return { ...example, _links: { self: `https://acme.api.frontapp.com/events/${e.id}` }, id: e.id, type: e.type, emitted_at: e.emittedAt / 1000, source, target };
  };
  /** Seconds with up to 3 decimals → ms; null when malformed. */
  const stamp = (raw: string | null): number | null | undefined => {
    if (raw === null) return undefined;
    return /^\d+(\.\d{1,3})?$/.test(raw) ? Math.round(Number(raw) * 1000) : null;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'x'}`);
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams.entries()), host: req.headers.host, auth: req.headers.authorization });
    const failure = failures.shift();
    if (failure) {
      return failure.status === 429
        ? error(res, 429, 'Too Many Requests', 'Rate limit exceeded. Please retry in a few seconds.', failure.headers)
        : error(res, failure.status, 'Internal Server Error', 'scripted failure', failure.headers);
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !state.validTokens.has(token)) return error(res, 401, 'Unauthorized', 'Invalid token');
    if (req.method === 'GET' && url.pathname === '/me') return send(res, 200, { _links: { self: 'https://acme.api.frontapp.com/me' }, id: fake.companyId, name: 'Planet Express' });
    if (req.method === 'GET' && url.pathname === '/events') {
      const q = url.searchParams;
      let page: PageState;
      const pageToken = q.get('page_token');
      if (pageToken !== null) {
        const saved = tokens.get(pageToken);
        if (!saved) return error(res, 400, 'Bad request', 'Invalid page_token');
        page = saved;
      } else {
        const limit = q.has('limit') ? Number(q.get('limit')) : 15;
        if (!Number.isInteger(limit) || limit < 1 || limit > 15) return error(res, 400, 'Bad request', '"limit" must be less than or equal to 15');
        const after = stamp(q.get('q[after]'));
        const before = stamp(q.get('q[before]'));
        if (after === null) return error(res, 400, 'Bad request', '"q.after" must be a number');
        if (before === null) return error(res, 400, 'Bad request', '"q.before" must be a number');
        const sortBy = q.get('sort_by');
        if (sortBy !== null && sortBy !== 'created_at') return error(res, 400, 'Bad request', '"sort_by" must be one of [created_at]');
        const order = q.get('sort_order') ?? 'desc';
        if (order !== 'asc' && order !== 'desc') return error(res, 400, 'Bad request', '"sort_order" must be one of [asc, desc]');
        page = { types: q.getAll('q[types][]'), inboxes: q.getAll('q[inboxes][]'), after, before, asc: order === 'asc', limit, offset: 0 };
      }
      const list = state.events
        .filter((e) => (page.types.length === 0 || page.types.includes(e.type)) && (page.inboxes.length === 0 || page.inboxes.includes(e.inboxId)))
        .filter((e) => (page.after === undefined || e.emittedAt > page.after) && (page.before === undefined || e.emittedAt < page.before))
        .sort((a, b) => a.emittedAt - b.emittedAt || a.id.localeCompare(b.id));
      if (!page.asc) list.reverse();
      const slice = list.slice(page.offset, page.offset + page.limit);
      let next: string | null = null;
      if (page.offset + page.limit < list.length) {
        const t = randomBytes(10).toString('hex');
        tokens.set(t, { ...page, offset: page.offset + page.limit });
        next = `https://acme.api.frontapp.com/events?page_token=${t}`;
      }
      return send(res, 200, { _pagination: { next }, _links: { self: 'https://acme.api.frontapp.com/events' }, _results: slice.map(render) });
    }
    error(res, 404, 'Not found', 'Unknown route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeFront = {
    url: `http://127.0.0.1:${port}`,
    companyId: 'cmp_2e4f6',
    ...state,
    addEvent(e) {
      const ev: FakeFrontEvent = { inboxId: 'inb_3ij1', ...e, id: `evt_${(nextId++).toString(36)}` };
      state.events.push(ev);
      return ev;
    },
    failNext(count, status, headers = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers }))];
    },
    eventLists: () => state.requests.filter((r) => r.path === '/events'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
