// A fake Intercom over real HTTP: what the integration uses —
// - `GET /me` (the admin and the workspace `app.id_code`), the OAuth code exchange `POST /auth/eagle/token`,
// - `POST /contacts/search` with Intercom's query language (single filters and AND/OR groups over created_at /
//   updated_at with `>` `<` `=`; values as Unix seconds, numbers or numeric strings), `sort: {field, order}`,
//   and cursor pagination in the body (`pagination: {per_page ≤ 150, starting_after}` → `pages.next`). A
//   `starting_after` cursor here is a position in the result set as it is when the next page is requested (the
//   worst case for a result set that changes while it is read). New contacts become searchable only after
//   `indexDelaySeconds` (Intercom: "can take a few minutes").
// - 401 `unauthorized`, 429 `rate_limit_exceeded` with X-RateLimit-Limit/Remaining/Reset (Unix time),
// - Intercom's side of webhooks: notifications `{type: "notification_event", app_id, id, topic, data: {item}}`
//   signed `X-Hub-Signature: sha1=<hex HMAC-SHA1(client_secret, body)>` (computed as documented; Intercom
//   publishes no signing library), the retry of a notification (same id, `delivery_attempts` + 1), and the HEAD
//   request Intercom sends to validate an endpoint URL.
//
// Docs followed: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/searchcontacts,
// https://developers.intercom.com/docs/references/2.4/rest-api/common-structures/pagination-search,
// https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting,
// https://developers.intercom.com/docs/references/webhooks/webhook-models, https://developers.intercom.com/docs/webhooks/setting-up-webhooks,
// https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface FakeContact {
  type: 'contact';
  id: string;
  workspace_id: string;
  role: 'user' | 'lead';
  email: string | null;
  name: string | null;
  created_at: number;
  updated_at: number;
  [k: string]: unknown;
}

export interface FakeIntercom {
  url: string;
  tokenUrl: string;
  clientId: string;
  /** The app's client secret: it also signs webhook notifications. */
  clientSecret: string;
  workspaceId: string;
  validTokens: Set<string>;
  codes: Set<string>;
  contacts: FakeContact[];
  /** Seconds after creation/update before a contact shows up in search results. */
  indexDelaySeconds: number;
  requests: Array<{ method: string; path: string; auth: string | undefined; version: string | undefined; body: any }>;
  /** Called before each search is answered (n counts searches from 0): lets a test change data between pages. */
  onSearch?: (n: number) => void;
  addContact(fields?: Partial<FakeContact>, at?: number): FakeContact;
  updateContact(id: string, fields: Partial<FakeContact>, at?: number): FakeContact;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(resetInSeconds: number): void;
  /** Send a signed notification to `url`; returns the body so a test can re-send it. */
  notify(url: string, topic: string, item: unknown, opts?: { appId?: string; id?: string; deliveryAttempts?: number; secret?: string }): Promise<{ status: number; body: string; id: string }>;
  /** What Intercom does when an endpoint URL is saved in the Developer Hub. */
  validateEndpoint(url: string): Promise<number>;
  close(): Promise<void>;
}

export function intercomSignature(secret: string, body: string): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

type Filter = { field?: string; operator?: string; value?: unknown };
type Group = { operator?: string; value?: Array<Filter | Group> };

function matches(q: Filter | Group, c: FakeContact): boolean {
  const op = String(q.operator ?? '').toUpperCase();
  if ((op === 'AND' || op === 'OR') && Array.isArray(q.value)) {
    const parts = (q.value as Array<Filter | Group>).map((x) => matches(x, c));
    return op === 'AND' ? parts.every(Boolean) : parts.some(Boolean);
  }
  const f = q as Filter;
  const actual = c[String(f.field)];
  const expected = typeof f.value === 'string' && /^-?\d+$/.test(f.value) ? Number(f.value) : f.value;
  switch (f.operator) {
    case '>': return typeof actual === 'number' && actual > (expected as number);
    case '<': return typeof actual === 'number' && actual < (expected as number);
    case '=': return actual === expected;
    case '!=': return actual !== expected;
    default: throw new Error(`unsupported operator ${String(f.operator)}`);
  }
}

function validQuery(q: unknown, depth = 0): boolean {
  if (!q || typeof q !== 'object' || depth > 2) return false;
  const g = q as Group & Filter;
  if (Array.isArray(g.value) && (g.operator === 'AND' || g.operator === 'OR')) return g.value.length <= 15 && g.value.every((x) => validQuery(x, depth + 1));
  if (g.field === 'created_at' && (g.operator === '>=' || g.operator === '<=')) return false; // documented: not allowed
  return typeof g.field === 'string' && ['>', '<', '=', '!='].includes(String(g.operator));
}

export async function startFakeIntercom(opts: { now?: () => number } = {}): Promise<FakeIntercom> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let counter = 0;
  let searches = 0;
  const state = {
    clientId: 'c0ffee00-1111-2222-3333-444455556666',
    clientSecret: 'intercom-client-secret',
    workspaceId: 'ecahpwf5',
    validTokens: new Set<string>(),
    codes: new Set<string>(),
    contacts: [] as FakeContact[],
    indexDelaySeconds: 0,
    requests: [] as FakeIntercom['requests'],
  };
  const seconds = () => Math.floor(now() / 1000);
  const rateHeaders = () => ({ 'x-ratelimit-limit': '167', 'x-ratelimit-remaining': '166', 'x-ratelimit-reset': String(seconds() + 10) });
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...rateHeaders(), ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { type: 'error.list', request_id: randomUUID(), errors: [{ code, message }] });
  /** Contacts as the search index sees them now (what changed within the index delay is not visible yet). */
  const indexed = new Map<string, FakeContact>();
  const visible = (): FakeContact[] => {
    for (const c of state.contacts) {
      if (c.updated_at + state.indexDelaySeconds <= seconds()) indexed.set(c.id, structuredClone(c));
    }
    return [...indexed.values()];
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, version: req.headers['intercom-version'] as string | undefined, body });
      if (req.method === 'POST' && url.pathname === '/auth/eagle/token') {
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret || !state.codes.delete(body.code)) {
          return json(res, 401, { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Unauthorized Code' }] });
        }
        const token = `dG9rOm${randomBytes(18).toString('base64url')}`;
        state.validTokens.add(token);
        return json(res, 200, { token_type: 'Bearer', token, access_token: token });
      }
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return error(res, 401, 'unauthorized', 'Access Token Invalid');
      if (req.method === 'GET' && url.pathname === '/me') {
        return json(res, 200, {
          type: 'admin', id: '991267460', email: 'admin1@email.com', email_verified: true,
          app: { type: 'app', id_code: state.workspaceId, name: 'MyApp 1', created_at: 1734537243, secure: false, identity_verification: false, timezone: 'America/Los_Angeles', region: 'US' },
        });
      }
      if (req.method === 'POST' && url.pathname === '/contacts/search') {
        (state as FakeIntercom).onSearch?.(searches++);
        if (!validQuery(body.query)) return error(res, 400, 'parameter_invalid', 'Invalid query');
        const perPage = Number(body.pagination?.per_page ?? 50);
        if (!Number.isInteger(perPage) || perPage < 1 || perPage > 150) return error(res, 400, 'parameter_invalid', 'per_page must be between 1 and 150');
        const sortField = body.sort?.field ?? 'created_at';
        const desc = body.sort?.order === 'descending';
        const rows = visible().filter((c) => matches(body.query, c)).sort((a, b) => {
          const d = (a[sortField] as number) - (b[sortField] as number);
          return (desc ? -d : d) || a.id.localeCompare(b.id);
        });
        let offset = 0;
        if (body.pagination?.starting_after !== undefined) {
          const decoded = Number(Buffer.from(String(body.pagination.starting_after), 'base64').toString('utf8').replace(/^offset:/, ''));
          if (!Number.isInteger(decoded)) return error(res, 400, 'parameter_invalid', 'starting_after is invalid');
          offset = decoded;
        }
        const page = rows.slice(offset, offset + perPage);
        const next = offset + perPage < rows.length ? Buffer.from(`offset:${offset + perPage}`).toString('base64') : null;
        return json(res, 200, {
          type: 'list', data: page, total_count: rows.length,
          pages: { type: 'pages', ...(next ? { next: { per_page: perPage, starting_after: next } } : {}), page: Math.floor(offset / perPage) + 1, per_page: perPage, total_pages: Math.ceil(rows.length / perPage) },
        });
      }
      return error(res, 404, 'not_found', 'Resource Not Found');
    })().catch((err: unknown) => json(res, 500, { type: 'error.list', errors: [{ code: 'server_error', message: String(err) }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeIntercom = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/auth/eagle/token`,
    addContact(fields: Partial<FakeContact> = {}, at = now()) {
      const t = Math.floor(at / 1000);
      const c: FakeContact = {
        type: 'contact', id: `6762f0d01bb69f9f${(++counter).toString(16).padStart(8, '0')}`, workspace_id: state.workspaceId,
        role: 'user', email: `user${counter}@example.com`, name: `User ${counter}`, created_at: t, updated_at: t, signed_up_at: t,
        custom_attributes: {}, ...fields,
      };
      state.contacts.push(c);
      return c;
    },
    updateContact(id: string, fields: Partial<FakeContact>, at = now()) {
      const c = state.contacts.find((x) => x.id === id);
      if (!c) throw new Error(`fake intercom: no contact ${id}`);
      Object.assign(c, fields, { updated_at: Math.floor(at / 1000) });
      return c;
    },
    failNext(count: number, status: number, body: unknown = { type: 'error.list', errors: [{ code: 'server_error', message: 'Server error' }] }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(resetInSeconds: number) {
      failures.push({
        status: 429,
        body: { type: 'error.list', request_id: randomUUID(), errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit of 167 in 10_seconds' }] },
        headers: { 'x-ratelimit-limit': '167', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(seconds() + resetInSeconds) },
      });
    },
    async notify(url: string, topic: string, item: unknown, o: { appId?: string; id?: string; deliveryAttempts?: number; secret?: string } = {}) {
      const id = o.id ?? `notif_${randomUUID()}`;
      const t = seconds();
      const body = JSON.stringify({
        type: 'notification_event', app_id: o.appId ?? state.workspaceId, data: { type: 'notification_event_data', item }, links: {},
        id, topic, delivery_status: 'pending', delivery_attempts: o.deliveryAttempts ?? 1, delivered_at: 0, first_sent_at: t, created_at: t, self: null,
      });
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'intercom-parrot-service-rack', 'x-hub-signature': intercomSignature(o.secret ?? state.clientSecret, body) },
        body,
      });
      await res.body.text();
      return { status: res.statusCode, body, id };
    },
    async validateEndpoint(url: string) {
      const res = await request(url, { method: 'HEAD' });
      await res.body.text();
      return res.statusCode;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
