// A fake Gong API v2 over real HTTP: the documented list endpoints the triggers read — List calls (`GET /v2/calls`,
// `fromDateTime` and `toDateTime` required, optional `workspaceId`), List calls with extensive data
// (`POST /v2/calls/extensive`, `filter.{fromDateTime,toDateTime,workspaceId,primaryUserIds}`,
// `contentSelector.exposedFields.parties`) and List users by filter (`POST /v2/users/extensive`,
// `filter.createdFromDateTime/createdToDateTime`) — with Basic auth (Base64 of accessKey:accessKeySecret), pages of
// 100 with an opaque `records.cursor` only when more remain, Gong's `{requestId, errors: [..]}` errors, the 404 "No
// calls found corresponding to the provided filters" for an empty result, and scripted 429/5xx.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  id: string;
  /** Start time (ms): what fromDateTime/toDateTime filter. */
  started: number;
  primaryUserId: string;
  workspaceId: string;
  title: string;
  /** Listed only once true (Gong lists a call after processing it). */
  processed: boolean;
}

export interface FakeUser {
  id: string;
  created: number;
  emailAddress: string;
}

export interface RecordedGongRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  auth: string | undefined;
}

export interface FakeGong {
  url: string;
  calls: FakeCall[];
  users: FakeUser[];
  /** Accepted `Authorization` values. */
  validAuth: Set<string>;
  requests: RecordedGongRequest[];
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  addCall(c: Partial<FakeCall> & { started: number }): FakeCall;
  addUser(u: Partial<FakeUser> & { created: number }): FakeUser;
  close(): Promise<void>;
}

export const GONG_TEST_TOKEN = Buffer.from('UMVX2KQ7ZBWE:eyJhbGciOiJIUzI1NiJ9.secret').toString('base64');

const PAGE = 100;

export async function startFakeGong(): Promise<FakeGong> {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let nextId = 1000;
  let requestNo = 0;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const err = (res: ServerResponse, status: number, ...errors: string[]) => json(res, status, { requestId: `req${requestNo}`, errors });

  const fake: FakeGong = {
    url: '',
    calls: [],
    users: [],
    validAuth: new Set([`Basic ${GONG_TEST_TOKEN}`]),
    requests: [],
    failNext(count, status, headers = {}, body = undefined) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    addCall(c) {
      const call: FakeCall = { id: c.id ?? `77823422740259${nextId++}`, primaryUserId: '234599484848423', workspaceId: '623457276584334', title: 'Discovery call', processed: true, ...c };
      fake.calls.push(call);
      return call;
    },
    addUser(u) {
      const user: FakeUser = { id: u.id ?? `2345994848${nextId++}`, emailAddress: `u${nextId}@gong-demo.com`, ...u };
      fake.users.push(user);
      return user;
    },
    close: async () => {},
  };

  const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const callResource = (c: FakeCall) => ({
    id: c.id, url: `https://app.gong.io/call?id=${c.id}`, title: c.title, scheduled: iso(c.started), started: iso(c.started), duration: 1800,
    primaryUserId: c.primaryUserId, direction: 'Conference', system: 'Zoom', scope: 'External', media: 'Video', language: 'eng', workspaceId: c.workspaceId, isPrivate: false,
  });
  const userResource = (u: FakeUser) => ({ id: u.id, emailAddress: u.emailAddress, created: iso(u.created), active: true, firstName: 'Jon', lastName: 'Snow' });

  /** A time filter value; undefined when absent, NaN when not ISO-8601. */
  const time = (v: unknown): number | undefined => (v === undefined ? undefined : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : Number.NaN);

  const page = (res: ServerResponse, rows: unknown[], cursor: unknown, field: string, none: string) => {
    let offset = 0;
    if (cursor !== undefined) {
      const m = typeof cursor === 'string' ? /^c(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString()) : null;
      if (!m) return err(res, 400, 'cursor: Invalid cursor');
      offset = Number(m[1]);
    }
    if (rows.length === 0) return err(res, 404, none);
    const slice = rows.slice(offset, offset + PAGE);
    const more = offset + PAGE < rows.length;
    return json(res, 200, {
      requestId: `req${requestNo}`,
      records: { totalRecords: rows.length, currentPageSize: slice.length, currentPageNumber: Math.floor(offset / PAGE), ...(more ? { cursor: Buffer.from(`c${offset + PAGE}`).toString('base64url') } : {}) },
      [field]: slice,
    });
  };

  const callsIn = (from: number, to: number | undefined, workspaceId: unknown, hosts?: string[]) =>
    fake.calls
      .filter((c) => c.processed && c.started >= from && (to === undefined || c.started < to))
      .filter((c) => workspaceId === undefined || c.workspaceId === workspaceId)
      .filter((c) => !hosts || hosts.includes(c.primaryUserId))
      .sort((a, b) => a.started - b.started || a.id.localeCompare(b.id));

  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString();
  };

  const server = createServer(async (req, res) => {
    requestNo++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return err(res, 400, 'Json parse error');
    }
    fake.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, auth: req.headers.authorization });
    const f = failures.shift();
    if (f) return json(res, f.status, f.body ?? { requestId: `req${requestNo}`, errors: [`scripted ${f.status}`] }, f.headers);
    if (!fake.validAuth.has(req.headers.authorization ?? '')) return err(res, 401, 'Unauthorized');

    if (req.method === 'GET' && url.pathname === '/v2/calls') {
      const from = time(url.searchParams.get('fromDateTime') ?? undefined);
      const to = time(url.searchParams.get('toDateTime') ?? undefined);
      if (from === undefined || to === undefined) return err(res, 400, 'fromDateTime and toDateTime are required');
      if (Number.isNaN(from) || Number.isNaN(to)) return err(res, 400, 'Invalid date format');
      const ws = url.searchParams.get('workspaceId') ?? undefined;
      return page(res, callsIn(from, to, ws).map(callResource), url.searchParams.get('cursor') ?? undefined, 'calls', 'No calls found corresponding to the provided filters');
    }
    if (req.method === 'POST' && url.pathname === '/v2/calls/extensive') {
      const filter = body?.filter;
      if (!filter || typeof filter !== 'object') return err(res, 400, 'filter: must not be null');
      const from = time(filter.fromDateTime);
      const to = time(filter.toDateTime);
      if (Number.isNaN(from) || Number.isNaN(to)) return err(res, 400, 'Invalid date format');
      const hosts = filter.primaryUserIds;
      if (hosts !== undefined && (!Array.isArray(hosts) || hosts.some((h: unknown) => typeof h !== 'string'))) return err(res, 400, 'filter.primaryUserIds: must be a list of ids');
      const parties = body?.contentSelector?.exposedFields?.parties === true;
      const rows = callsIn(from ?? 0, to, filter.workspaceId, hosts).map((c) => ({
        metaData: callResource(c),
        ...(parties ? { parties: [{ id: `p${c.id}`, name: 'Host', emailAddress: 'host@gong-demo.com', userId: c.primaryUserId, affiliation: 'Internal', methods: ['Invitee'] }] } : {}),
      }));
      return page(res, rows, body?.cursor, 'calls', 'No calls found corresponding to the provided filters');
    }
    if (req.method === 'POST' && url.pathname === '/v2/users/extensive') {
      const filter = body?.filter;
      if (!filter || typeof filter !== 'object') return err(res, 400, 'filter: must not be null');
      const from = time(filter.createdFromDateTime);
      const to = time(filter.createdToDateTime);
      if (Number.isNaN(from) || Number.isNaN(to)) return err(res, 400, 'Invalid date format');
      const rows = fake.users
        .filter((u) => (from === undefined || u.created >= from) && (to === undefined || u.created < to))
        .sort((a, b) => a.created - b.created)
        .map(userResource);
      return page(res, rows, body?.cursor, 'users', 'No users found corresponding to the provided filters');
    }
    return err(res, 404, 'Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
