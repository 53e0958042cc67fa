// A fake Confluence Cloud (OAuth 2.0 3LO) over real HTTP: the parts the confluence integration uses, as Atlassian
// documents them — accessible-resources and the CQL content search (GET /wiki/rest/api/content/search with
// `cql`, `limit`, `expand`, and a `cursor` carried in `_links.next`), 401 for unknown tokens, 429 with
// Retry-After, and Confluence's error body ({statusCode, message}) for CQL it cannot parse.
//
// Its CQL evaluator knows the clauses the integration sends (type, space, created/lastmodified compared with
// `now("-Nm")` evaluated on the fake's own clock, ORDER BY one date field). Like Confluence, it compares dates at
// minute precision: `now("-Nm")` is truncated down to its minute. Cursors are offsets into the result set (the
// worst case for page shifts), and `onSearch` lets a test change pages between two requests.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pageFixture from '../../src/integrations/confluence/fixtures/page.json' with { type: 'json' };
import resourcesFixture from '../../src/integrations/confluence/fixtures/accessible-resources.json' with { type: 'json' };

export interface FakePage {
  id: string;
  title: string;
  spaceKey: string;
  created: number;
  modified: number;
  version: number;
}

export interface RecordedConfluenceRequest {
  method: string;
  path: string;
  auth: string | undefined;
  query: URLSearchParams;
}

const MIN = 60_000;

class CqlError extends Error {}

interface Query {
  where: (p: FakePage) => boolean;
  order: 'created' | 'lastmodified' | null;
}

function parseCql(cql: string, now: number): Query {
  const [cond = '', order] = cql.split(/\s+ORDER\s+BY\s+/i);
  const preds: Array<(p: FakePage) => boolean> = [];
  for (const raw of cond.split(/\s+AND\s+/i)) {
    const c = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^type\s*=\s*"?(\w+)"?$/i.exec(c))) {
      const type = m[1]!.toLowerCase();
      preds.push(() => type === 'page');
    } else if ((m = /^space\s*=\s*"([^"]*)"$/i.exec(c))) {
      const key = m[1]!;
      preds.push((p) => p.spaceKey === key);
    } else if ((m = /^(created|lastmodified)\s*(>=|<|>|<=)\s*now\("-(\d+)m"\)$/i.exec(c))) {
      const field = m[1]!.toLowerCase();
      const op = m[2]!;
      const at = Math.floor((now - Number(m[3]) * MIN) / MIN) * MIN;
      const get = (p: FakePage) => Math.floor((field === 'created' ? p.created : p.modified) / MIN) * MIN;
      preds.push((p) => (op === '>=' ? get(p) >= at : op === '>' ? get(p) > at : op === '<' ? get(p) < at : get(p) <= at));
    } else {
      throw new CqlError(`Could not parse cql : ${cql}`);
    }
  }
  let field: Query['order'] = null;
  if (order !== undefined) {
    const m = /^(created|lastmodified)\s+asc$/i.exec(order.trim());
    if (!m) throw new CqlError(`Could not parse cql : ${cql}`);
    field = m[1]!.toLowerCase() as Query['order'];
  }
  return { where: (p) => preds.every((f) => f(p)), order: field };
}

export function renderPage(p: FakePage): any {
  return {
    ...pageFixture,
    id: p.id,
    title: p.title,
    space: { ...pageFixture.space, key: p.spaceKey, name: p.spaceKey },
    history: { ...pageFixture.history, createdDate: new Date(p.created).toISOString() },
    version: { ...pageFixture.version, number: p.version, when: new Date(p.modified).toISOString() },
    _links: { ...pageFixture._links, self: `https://your-domain.atlassian.net/wiki/rest/api/content/${p.id}` },
  };
}

export async function startFakeConfluence(opts: { now: () => number }) {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let nextId = 400000;
  let searchCount = 0;
  const cloudId = resourcesFixture[0]!.id;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const fake = {
    url: '',
    cloudId,
    pages: [] as FakePage[],
    validTokens: new Set(['valid-token']),
    requests: [] as RecordedConfluenceRequest[],
    maxPageSize: 50,
    onSearch: undefined as undefined | ((n: number) => void),
    failNext(count: number, status: number, headers: Record<string, string> = {}, body?: unknown) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    addPage(p: Partial<FakePage> & { created: number }): FakePage {
      const page: FakePage = {
        id: p.id ?? String(nextId++), title: p.title ?? 'Untitled', spaceKey: p.spaceKey ?? 'TST',
        created: p.created, modified: p.modified ?? p.created, version: p.version ?? 1,
      };
      fake.pages.push(page);
      return page;
    },
    /** A new version of a page at `at`. */
    edit(id: string, at: number) {
      const p = fake.pages.find((x) => x.id === id);
      if (!p) throw new Error(`no page ${id}`);
      p.modified = at;
      p.version += 1;
    },
    searches: () => fake.requests.filter((r) => r.path.endsWith('/content/search')),
    close: async () => {},
  };
  const prefix = `/ex/confluence/${cloudId}/wiki/rest/api`;

  const search = (res: ServerResponse, q: URLSearchParams) => {
    fake.onSearch?.(searchCount++);
    const cql = q.get('cql') ?? '';
    let parsed: Query;
    try {
      parsed = parseCql(cql, opts.now());
    } catch (err) {
      return json(res, 400, { statusCode: 400, data: { authorized: true, valid: false, errors: [] }, message: (err as Error).message });
    }
    let offset = 0;
    const cursor = q.get('cursor');
    if (cursor !== null) {
      try {
        const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { cql: string; offset: number };
        if (c.cql !== cql) throw new Error('other query');
        offset = c.offset;
      } catch {
        return json(res, 400, { statusCode: 400, message: 'Invalid cursor' });
      }
    }
    const limit = Math.max(1, Math.min(Number(q.get('limit') ?? 25), fake.maxPageSize));
    const field = parsed.order;
    const all = fake.pages.filter(parsed.where);
    if (field) all.sort((a, b) => (field === 'created' ? a.created - b.created : a.modified - b.modified) || Number(a.id) - Number(b.id));
    const page = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    const nextCursor = Buffer.from(JSON.stringify({ cql, offset: offset + limit })).toString('base64url');
    return json(res, 200, {
      results: page.map(renderPage),
      start: offset, limit, size: page.length,
      _links: {
        base: 'https://your-domain.atlassian.net/wiki', context: '/wiki',
        ...(more ? { next: `/rest/api/content/search?cql=${encodeURIComponent(cql)}&limit=${limit}&cursor=${nextCursor}` } : {}),
      },
    });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    fake.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, query: url.searchParams });
    // Atlassian's token endpoint refuses an unknown refresh token (the only grant these tests exercise).
    if (req.method === 'POST' && url.pathname === '/oauth/token') return json(res, 403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    const failure = failures.shift();
    if (failure) return json(res, failure.status, failure.body ?? { statusCode: failure.status, message: 'scripted failure' }, failure.headers);
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (!token || !fake.validTokens.has(token)) return json(res, 401, { code: 401, message: 'Unauthorized; scope does not match' });
    if (req.method === 'GET' && url.pathname === '/oauth/token/accessible-resources') return json(res, 200, resourcesFixture);
    if (req.method === 'GET' && url.pathname === `${prefix}/content/search`) return search(res, url.searchParams);
    return json(res, 404, { statusCode: 404, message: 'No such endpoint' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return fake;
}

export type FakeConfluence = Awaited<ReturnType<typeof startFakeConfluence>>;
