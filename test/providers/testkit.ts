// A fake provider for the "testkit" integration used by engine and API tests: a small documented-style API
// over real HTTP (paged item listing, webhook registration, OAuth-protected), with scriptable failures.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestkitItem {
  id: string;
  folder: string;
  title: string;
  priority: number;
  createdAt: number;
}

export interface TestkitHook {
  id: string;
  url: string;
  secret: string;
  folder: string;
  /** How many times POST /hooks/{id}/renew extended it (expiring provider subscriptions). */
  renewals?: number;
}

export interface FakeTestkit {
  url: string;
  items: TestkitItem[];
  hooks: Map<string, TestkitHook>;
  /** Access tokens the API accepts; anything else gets 401. */
  validTokens: Set<string>;
  requests: Array<{ method: string; path: string; auth: string | undefined }>;
  /** Answer the next N requests with this status (e.g. 429 with Retry-After, 500). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  pageSize: number;
  /**
   * Called (and awaited) before each page of /items is computed: lets a test add items between page
   * requests, or act while a poll is in flight.
   */
  beforeItemsPage?: (page: number) => void | Promise<void>;
  /** Return each page's items newest first (a provider that does not sort). */
  unsorted: boolean;
  close(): Promise<void>;
}

export async function startFakeTestkit(): Promise<FakeTestkit> {
  let failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let nextHookId = 1;
  const state: Omit<FakeTestkit, 'url' | 'close' | 'failNext'> = {
    items: [],
    hooks: new Map(),
    validTokens: new Set(['valid-token']),
    requests: [],
    pageSize: 2,
    unsorted: false,
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const readBody = async (req: IncomingMessage): Promise<any> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? {} : JSON.parse(text);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, auth: req.headers.authorization });
      const failure = failures.shift();
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(JSON.stringify({ error: 'scripted failure' }));
        return;
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return json(res, 401, { error: 'invalid_token' });
      // GET /items?folder=&since=<ms>&page=<n>: items with createdAt >= since, oldest first, paged.
      if (req.method === 'GET' && url.pathname === '/items') {
        const folder = url.searchParams.get('folder');
        const since = Number(url.searchParams.get('since') ?? '0');
        const page = Number(url.searchParams.get('page') ?? '0');
        await (state as FakeTestkit).beforeItemsPage?.(page);
        const matching = state.items
          .filter((i) => i.folder === folder && i.createdAt >= since)
          .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        const slice = matching.slice(page * state.pageSize, (page + 1) * state.pageSize);
        if (state.unsorted) slice.reverse();
        return json(res, 200, { items: slice, nextPage: (page + 1) * state.pageSize < matching.length ? page + 1 : null });
      }
      if (req.method === 'POST' && url.pathname === '/hooks') {
        const body = await readBody(req);
        if (typeof body.url !== 'string' || typeof body.secret !== 'string') return json(res, 422, { error: 'url and secret are required' });
        if (body.folder === 'forbidden') return json(res, 403, { error: 'no access to this folder' });
        const hook: TestkitHook = { id: `hook_${nextHookId++}`, url: body.url, secret: body.secret, folder: String(body.folder) };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { id: hook.id });
      }
      const renew = /^\/hooks\/([^/]+)\/renew$/.exec(url.pathname);
      if (req.method === 'POST' && renew) {
        const hook = state.hooks.get(renew[1] ?? '');
        if (!hook) return json(res, 404, { error: 'not found' });
        hook.renewals = (hook.renewals ?? 0) + 1;
        return json(res, 200, { id: hook.id, renewals: hook.renewals });
      }
      const del = /^\/hooks\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'DELETE' && del) {
        const existed = state.hooks.delete(del[1] ?? '');
        return json(res, existed ? 204 : 404, existed ? null : { error: 'not found' });
      }
      if (req.method === 'GET' && url.pathname === '/me') return json(res, 200, { accountId: 'acct_1' });
      return json(res, 404, { error: 'no such endpoint' });
    })().catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const fake: FakeTestkit = Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    failNext(count: number, status: number, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers }))];
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
