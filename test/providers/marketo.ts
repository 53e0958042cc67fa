// A fake Marketo instance over real HTTP: what the integration uses.
// - `GET|POST /identity/oauth/token` with grant_type=client_credentials and the client's `client_id` and
//   `client_secret` as request parameters (query, or the form body of a POST — how the engine sends them); HTTP Basic
//   is not documented and not read: `{access_token, token_type, expires_in: 3599, scope}`; a missing or wrong client
//   is 401 `{error: "invalid_client"}`.
// - `GET /rest/v1/activities/pagingtoken.json?sinceDatetime=…` and `GET /rest/v1/activities.json?nextPageToken=…
//   &activityTypeIds=…&batchSize=…` (≤ 300): `{requestId, success, result?, nextPageToken, moreResult}`; no `result`
//   when nothing is new. Paging tokens are opaque strings here (the position after an activity id).
// - Tokens go in `Authorization: Bearer`; errors come as HTTP 200 with `success: false` and `errors: [{code,
//   message}]` (600 missing token, 601 invalid, 602 expired, 606 rate, 607 daily quota, 615 concurrency, 1003 …).
// Docs followed: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication,
// …/rest/lead-database/activities, …/rest/error-codes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeActivity {
  id: number;
  marketoGUID: string;
  leadId: number;
  activityDate: string;
  activityTypeId: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
  attributes: Array<{ name: string; value: unknown }>;
}

export interface MarketoRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
  /** The form-encoded body's fields (the token request's). */
  form: Record<string, string>;
}

export interface FakeMarketo {
  url: string;
  /** Client id → secret the instance accepts. */
  clients: Map<string, string>;
  activities: FakeActivity[];
  requests: MarketoRequest[];
  addActivity(a: Partial<FakeActivity> & { activityTypeId: number }): FakeActivity;
  /** Answer the next N REST (non-identity) requests with this HTTP status, or with a 200 body error code. */
  failNext(count: number, failure: { status: number } | { code: string; message: string }): void;
  /** Make every access token issued so far expired (602). */
  expireTokens(): void;
  activityLists(): MarketoRequest[];
  tokenRequests(): MarketoRequest[];
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => resolve(s));
  });

export async function startFakeMarketo(opts: { now?: () => number } = {}): Promise<FakeMarketo> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number } | { code: string; message: string }> = [];
  let nextId = 100;
  let issued = 0;
  const live = new Set<string>();
  const expired = new Set<string>();
  const state = { clients: new Map([['client-1', 'secret-1']]), activities: [] as FakeActivity[], requests: [] as MarketoRequest[] };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify(body));
  };
  const requestId = () => `e42b#${(issued + state.requests.length).toString(16)}`;
  const fail = (res: ServerResponse, code: string, message: string) => send(res, 200, { requestId: requestId(), success: false, errors: [{ code, message }] });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = await readBody(req);
      const query = Object.fromEntries(url.searchParams);
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const form = isForm ? Object.fromEntries(new URLSearchParams(body)) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, auth: req.headers.authorization, form });
      if (url.pathname === '/identity/oauth/token') {
        if (req.method !== 'GET' && req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' });
        const fields = { ...query, ...form };
        const id = fields.client_id;
        const secret = fields.client_secret;
        if (fields.grant_type !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' });
        if (!id || state.clients.get(id) !== secret) return send(res, 401, { error: 'invalid_client', error_description: 'Bad client credentials' });
        const token = `${(++issued).toString().padStart(8, '0')}-110d-4155-99a7-f986b2ff13a0:int`;
        live.add(token);
        return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 3599, scope: 'apis@acmeinc.com' });
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer) return fail(res, '600', 'Access token not specified');
      if (expired.has(bearer)) return fail(res, '602', 'Access token expired');
      if (!live.has(bearer)) return fail(res, '601', 'Access token invalid');
      const failure = failures.shift();
      if (failure) return 'status' in failure ? send(res, failure.status, { error: 'failure' }) : fail(res, failure.code, failure.message);
      if (url.pathname === '/rest/v1/activities/pagingtoken.json') {
        const since = Date.parse(query.sinceDatetime ?? '');
        if (!Number.isFinite(since)) return fail(res, '1001', "Invalid value for 'sinceDatetime'");
        const before = state.activities.filter((a) => Date.parse(a.activityDate) < since);
        const last = before.length ? before[before.length - 1]!.id : 0;
        return send(res, 200, { requestId: requestId(), success: true, nextPageToken: `PT${Buffer.from(`after:${last}`).toString('base64')}` });
      }
      if (url.pathname === '/rest/v1/activities.json') {
        const token = query.nextPageToken ?? '';
        const pos = /^PT(.+)$/.exec(token) ? /^after:(\d+)$/.exec(Buffer.from(token.slice(2), 'base64').toString()) : null;
        if (!pos) return fail(res, '1003', 'Invalid nextPageToken');
        const types = (query.activityTypeIds ?? '').split(',').filter(Boolean).map(Number);
        if (!types.length || types.some((t) => !Number.isInteger(t))) return fail(res, '1003', 'activityTypeIds is required');
        const batch = query.batchSize ? Number(query.batchSize) : 300;
        if (!Number.isInteger(batch) || batch < 1 || batch > 300) return fail(res, '1003', 'Invalid batchSize');
        const after = Number(pos[1]);
        const rest = state.activities.filter((a) => a.id > after);
        const page = rest.slice(0, batch);
        const lastScanned = page.length ? page[page.length - 1]!.id : after;
        const result = page.filter((a) => types.includes(a.activityTypeId));
        return send(res, 200, {
          requestId: requestId(), success: true, nextPageToken: `PT${Buffer.from(`after:${lastScanned}`).toString('base64')}`, moreResult: rest.length > batch,
          ...(result.length ? { result } : {}),
        });
      }
      return send(res, 404, { error: 'not found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    addActivity(a) {
      const id = a.id ?? nextId++;
      const act: FakeActivity = {
        id, marketoGUID: String(id), leadId: 6, activityDate: new Date(Math.floor(now() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), attributes: [], ...a,
      };
      state.activities.push(act);
      return act;
    },
    failNext(count, failure) {
      failures = [...failures, ...Array.from({ length: count }, () => failure)];
    },
    expireTokens() {
      for (const t of live) expired.add(t);
    },
    activityLists: () => state.requests.filter((r) => r.path === '/rest/v1/activities.json'),
    tokenRequests: () => state.requests.filter((r) => r.path === '/identity/oauth/token'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
