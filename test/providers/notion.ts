// A fake Notion API (version 2025-09-03) over real HTTP: search, database → data sources discovery, data source
// queries with timestamp filters and sorts, `start_cursor`/`has_more` paging, the required Notion-Version header,
// Notion's error objects (401 unauthorized, 404 object_not_found, 429 rate_limited with Retry-After), the bot
// user and the OAuth token endpoint (HTTP Basic client auth).
//
// Like Notion, it rounds created_time and last_edited_time down to the minute. Cursors are positions in the
// result set (offsets), the worst case for page shifts; hooks let a test edit pages between two page requests,
// and `reversePages` returns each page out of order.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonOrFormBody } from '../helpers/request-body.js';
import pageFixture from '../../src/integrations/notion/fixtures/page.json' with { type: 'json' };
import databaseFixture from '../../src/integrations/notion/fixtures/database.json' with { type: 'json' };
import rateLimited from '../../src/integrations/notion/fixtures/error-rate-limited.json' with { type: 'json' };

const MINUTE = 60_000;
const floorMinute = (t: number) => Math.floor(t / MINUTE) * MINUTE;

export interface FakeNotionPage {
  id: string;
  title: string;
  created: number;
  edited: number;
  dataSourceId: string | null;
  inTrash: boolean;
}

export interface RecordedNotionRequest {
  method: string;
  path: string;
  auth: string | undefined;
  version: string | undefined;
  body: any;
}

export interface FakeNotion {
  url: string;
  pages: FakeNotionPage[];
  /** database id → its data source ids */
  databases: Map<string, string[]>;
  validTokens: Set<string>;
  /** refresh token → access token it yields */
  refreshTokens: Map<string, string>;
  /** client id → secret accepted by the token endpoint (HTTP Basic) */
  clients: Map<string, string>;
  requests: RecordedNotionRequest[];
  maxPageSize: number;
  reversePages: boolean;
  onQuery?: (n: number, dataSourceId: string, body: any) => void;
  onSearch?: (n: number, body: any) => void;
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  addPage(p: Partial<FakeNotionPage> & { created: number }): FakeNotionPage;
  edit(id: string, at: number): void;
  render(p: FakeNotionPage): any;
  queries(): RecordedNotionRequest[];
  close(): Promise<void>;
}

function uuid(n: number): string {
  const h = n.toString(16).padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

type Cond = (p: FakeNotionPage) => boolean;

function timestampFilter(f: any): Cond {
  if (f?.and) {
    const parts = (f.and as unknown[]).map(timestampFilter);
    return (p) => parts.every((c) => c(p));
  }
  if (f?.or) {
    const parts = (f.or as unknown[]).map(timestampFilter);
    return (p) => parts.some((c) => c(p));
  }
  const field = f?.timestamp;
  if (field !== 'created_time' && field !== 'last_edited_time') throw new Error(`body.filter.timestamp should be "created_time" or "last_edited_time", instead was ${JSON.stringify(field)}.`);
  const spec = f[field] ?? {};
  const get = (p: FakeNotionPage) => (field === 'created_time' ? p.created : p.edited);
  const [op, raw] = Object.entries(spec)[0] ?? [];
  const at = Date.parse(String(raw));
  if (!op || !Number.isFinite(at)) throw new Error(`body.filter.${field} should be a date filter.`);
  switch (op) {
    case 'on_or_after': return (p) => get(p) >= at;
    case 'after': return (p) => get(p) > at;
    case 'before': return (p) => get(p) < at;
    case 'on_or_before': return (p) => get(p) <= at;
    case 'equals': return (p) => get(p) === at;
    default: throw new Error(`body.filter.${field}.${op} is not supported by the fake.`);
  }
}

export async function startFakeNotion(): Promise<FakeNotion> {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let nextId = 0x1000;
  let queryCount = 0;
  let searchCount = 0;
  let rotation = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { object: 'error', status, code, message, request_id: 'fake-request' }, headers);

  const fake = {
    url: '',
    pages: [] as FakeNotionPage[],
    databases: new Map<string, string[]>([[databaseFixture.id, databaseFixture.data_sources.map((d) => d.id)]]),
    validTokens: new Set(['valid-token']),
    refreshTokens: new Map<string, string>(),
    clients: new Map<string, string>([['client-1', 'client-secret-1']]),
    requests: [] as RecordedNotionRequest[],
    maxPageSize: 100,
    reversePages: false,
    onQuery: undefined as FakeNotion['onQuery'],
    onSearch: undefined as FakeNotion['onSearch'],
    failNext(count: number, status: number, headers: Record<string, string> = {}, body: unknown = undefined) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    addPage(p: Partial<FakeNotionPage> & { created: number }): FakeNotionPage {
      const page: FakeNotionPage = {
        id: p.id ?? uuid(nextId++),
        title: p.title ?? 'Untitled',
        created: floorMinute(p.created),
        edited: floorMinute(p.edited ?? p.created),
        dataSourceId: p.dataSourceId === undefined ? null : p.dataSourceId,
        inTrash: p.inTrash ?? false,
      };
      fake.pages.push(page);
      return page;
    },
    edit(id: string, at: number) {
      const p = fake.pages.find((x) => x.id === id);
      if (!p) throw new Error(`no page ${id}`);
      p.edited = floorMinute(at);
    },
    render(p: FakeNotionPage) {
      const databaseId = p.dataSourceId ? [...fake.databases].find(([, ds]) => ds.includes(p.dataSourceId ?? ''))?.[0] : undefined;
      return {
        ...pageFixture,
        id: p.id,
        created_time: new Date(p.created).toISOString(),
        last_edited_time: new Date(p.edited).toISOString(),
        parent: p.dataSourceId
          ? { type: 'data_source_id', data_source_id: p.dataSourceId, database_id: databaseId }
          : { type: 'workspace', workspace: true },
        in_trash: p.inTrash,
        archived: p.inTrash,
        properties: { ...pageFixture.properties, Title: { ...pageFixture.properties.Title, title: [{ ...pageFixture.properties.Title.title[0], plain_text: p.title, text: { content: p.title, link: null } }] } },
        url: `https://www.notion.so/${p.title.replace(/\W+/g, '-')}-${p.id.replace(/-/g, '')}`,
      };
    },
    queries: () => fake.requests.filter((r) => r.path.endsWith('/query')),
    close: async () => {},
  };

  const paginate = (res: ServerResponse, list: FakeNotionPage[], body: any, signature: unknown) => {
    const size = Number(body.page_size ?? 100);
    if (!Number.isInteger(size) || size < 1 || size > 100) return error(res, 400, 'validation_error', 'body.page_size should be a number between 1 and 100.');
    const effective = Math.min(size, fake.maxPageSize);
    let offset = 0;
    if (body.start_cursor !== undefined) {
      try {
        const c = JSON.parse(Buffer.from(String(body.start_cursor), 'base64url').toString('utf8')) as { s: string; o: number };
        if (c.s !== JSON.stringify(signature)) throw new Error('other query');
        offset = c.o;
      } catch {
        return error(res, 400, 'validation_error', 'body.start_cursor should be a valid cursor.');
      }
    }
    const slice = list.slice(offset, offset + effective);
    const more = offset + effective < list.length;
    const results = slice.map((p) => fake.render(p));
    if (fake.reversePages) results.reverse();
    return json(res, 200, {
      object: 'list',
      results,
      next_cursor: more ? Buffer.from(JSON.stringify({ s: JSON.stringify(signature), o: offset + effective })).toString('base64url') : null,
      has_more: more,
      type: 'page_or_data_source',
      page_or_data_source: {},
      request_id: 'fake-request',
    });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PATCH' ? await readJsonOrFormBody(req) : undefined;
      const version = req.headers['notion-version'] as string | undefined;
      fake.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, auth: req.headers.authorization, version, body });
      if (req.method === 'POST' && url.pathname === '/v1/oauth/token') {
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent) : [];
        if (!id || fake.clients.get(id) !== secret) return json(res, 401, { error: 'invalid_client' });
        if (body?.grant_type !== 'refresh_token' || !fake.refreshTokens.has(String(body.refresh_token))) return json(res, 400, { error: 'invalid_grant' });
        const access = fake.refreshTokens.get(String(body.refresh_token)) ?? `access-${++rotation}`;
        fake.validTokens.add(access);
        return json(res, 200, { access_token: access, token_type: 'bearer', refresh_token: String(body.refresh_token), bot_id: 'bot-1', workspace_id: 'ws-1', workspace_name: 'Acme' });
      }
      const failure = failures.shift();
      if (failure) {
        if (failure.status === 429) return json(res, 429, failure.body ?? rateLimited, { 'retry-after': '1', ...failure.headers });
        return json(res, failure.status, failure.body ?? { object: 'error', status: failure.status, code: 'internal_server_error', message: 'scripted failure' }, failure.headers);
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !fake.validTokens.has(token)) return error(res, 401, 'unauthorized', 'API token is invalid.');
      if (!version) return error(res, 400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.');
      if (version !== '2025-09-03') return error(res, 400, 'validation_error', `This fake speaks Notion-Version 2025-09-03, got ${version}.`);
      if (req.method === 'GET' && url.pathname === '/v1/users/me') {
        return json(res, 200, { object: 'user', id: 'bot-1', type: 'bot', name: 'OpenTriggers', bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Acme', workspace_id: 'ws-1' } });
      }
      if (req.method === 'POST' && url.pathname === '/v1/search') {
        const n = searchCount++;
        fake.onSearch?.(n, body);
        if (body.filter && (body.filter.property !== 'object' || !['page', 'data_source'].includes(body.filter.value))) {
          return error(res, 400, 'validation_error', 'body.filter.value should be `"page"` or `"data_source"`.');
        }
        const dir = body.sort?.direction === 'ascending' ? 1 : -1;
        if (body.sort && body.sort.timestamp !== 'last_edited_time') return error(res, 400, 'validation_error', 'body.sort.timestamp should be `"last_edited_time"`.');
        const list = fake.pages.filter((p) => !p.inTrash).sort((a, b) => dir * (a.edited - b.edited) || a.id.localeCompare(b.id));
        return paginate(res, list, body, { filter: body.filter, sort: body.sort });
      }
      const db = /^\/v1\/databases\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && db) {
        const ds = fake.databases.get(db[1] ?? '');
        if (!ds) return error(res, 404, 'object_not_found', `Could not find database with ID: ${db[1]}. Make sure the relevant pages and databases are shared with your integration.`);
        return json(res, 200, { ...databaseFixture, id: db[1], data_sources: ds.map((id, n) => ({ id, name: `Source ${n + 1}` })) });
      }
      const dsGet = /^\/v1\/data_sources\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && dsGet) {
        const owner = [...fake.databases].find(([, ds]) => ds.includes(dsGet[1] ?? ''));
        if (!owner) return error(res, 404, 'object_not_found', `Could not find data_source with ID: ${dsGet[1]}.`);
        return json(res, 200, { object: 'data_source', id: dsGet[1], parent: { type: 'database_id', database_id: owner[0] } });
      }
      const q = /^\/v1\/data_sources\/([^/]+)\/query$/.exec(url.pathname);
      if (req.method === 'POST' && q) {
        const dsId = q[1] ?? '';
        if (![...fake.databases.values()].some((ds) => ds.includes(dsId))) return error(res, 404, 'object_not_found', `Could not find data_source with ID: ${dsId}.`);
        const n = queryCount++;
        fake.onQuery?.(n, dsId, body);
        let cond: Cond = () => true;
        try {
          if (body.filter) cond = timestampFilter(body.filter);
        } catch (err) {
          return error(res, 400, 'validation_error', (err as Error).message);
        }
        const sorts: Array<{ timestamp?: string; direction?: string }> = Array.isArray(body.sorts) ? body.sorts : [];
        const list = fake.pages.filter((p) => p.dataSourceId === dsId && !p.inTrash && cond(p)).sort((a, b) => {
          for (const s of sorts) {
            const d = s.direction === 'descending' ? -1 : 1;
            const c = s.timestamp === 'created_time' ? a.created - b.created : s.timestamp === 'last_edited_time' ? a.edited - b.edited : 0;
            if (c !== 0) return d * c;
          }
          return a.id.localeCompare(b.id);
        });
        return paginate(res, list, body, { ds: dsId, filter: body.filter, sorts: body.sorts });
      }
      if (req.method === 'POST' && /^\/v1\/databases\/[^/]+\/query$/.test(url.pathname)) {
        return error(res, 400, 'invalid_request_url', 'Invalid request URL: databases/{id}/query is replaced by data_sources/{id}/query in 2025-09-03.');
      }
      return error(res, 400, 'invalid_request_url', 'Invalid request URL.');
    })().catch((err: unknown) => json(res, 500, { object: 'error', status: 500, code: 'internal_server_error', message: String(err) }));
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

export const NOTION_DATABASE_ID = databaseFixture.id;
export const NOTION_DATA_SOURCE_ID = databaseFixture.data_sources[0]!.id;
