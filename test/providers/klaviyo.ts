// A fake Klaviyo over real HTTP: the documented list endpoints the triggers read — Get Profiles (`/api/profiles`),
// Get Profiles for List (`/api/lists/{id}/profiles`) and Get Events (`/api/events`) — with JSON:API documents
// (`{data, links: {self, next}}`, `links.next` an absolute URL with an opaque `page[cursor]`), the filter syntax
// (`greater-than(created,2026-12-07T21:00:00Z)`, `equals(metric_id,"UMTLbD")`, expressions ANDed with commas), the
// sorts, the `page[size]` limits (profiles 1–100, events 1–1000), the required `revision` header, and Klaviyo's
// JSON:API errors: 401 `not_authenticated` for an unknown key, 400 for a bad filter or page size, 404 for an
// unknown list, scripted 429/5xx. Timestamps are rendered at second precision, like Klaviyo's.
//
// Klaviyo's OAuth side too (https://developers.klaviyo.com/en/docs/set_up_oauth): `POST /oauth/token`, form-encoded,
// the client id and secret as HTTP Basic (`invalid_client` otherwise), `authorization_code` with the PKCE
// `code_verifier` checked against the S256 `code_challenge` the authorization carried (`invalid_grant` otherwise),
// and `refresh_token`; the API then takes `Authorization: Bearer <access token>` besides `Klaviyo-API-Key`, and
// `GET /api/accounts` answers the account the credential is for.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import error401 from '../../src/integrations/klaviyo/fixtures/error-401.json' with { type: 'json' };
import error429 from '../../src/integrations/klaviyo/fixtures/error-429.json' with { type: 'json' };
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface FakeProfile {
  id: string;
  created: number;
  email: string;
}

export interface FakeEvent {
  id: string;
  metricId: string;
  datetime: number;
  profileId: string;
  properties: Record<string, unknown>;
}

export interface RecordedKlaviyoRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
  revision: string | undefined;
}

export interface FakeKlaviyo {
  url: string;
  profiles: FakeProfile[];
  /** list id → its members and when each joined. */
  lists: Map<string, Array<{ profileId: string; joinedAt: number }>>;
  events: FakeEvent[];
  validKeys: Set<string>;
  /** OAuth access tokens the API accepts as `Bearer`. */
  validTokens: Set<string>;
  clientId: string;
  clientSecret: string;
  /** The Klaviyo account id (public key) GET /api/accounts answers. */
  accountId: string;
  /** Authorization codes the token endpoint accepts: code → the S256 code_challenge of its authorization. */
  codes: Map<string, { codeChallenge: string; redirectUri: string }>;
  /** Every token request's form, and its Authorization header. */
  tokenRequests: Array<{ form: Record<string, string>; auth: string | undefined }>;
  requests: RecordedKlaviyoRequest[];
  /** Called before each list page is computed (n counts list requests from 0): lets a test change data between pages. */
  onList?: (n: number) => void;
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  addProfile(p: { created: number; email?: string; id?: string }): FakeProfile;
  addToList(listId: string, profileId: string, joinedAt: number): void;
  addEvent(e: { metricId: string; datetime: number; profileId?: string; properties?: Record<string, unknown>; id?: string }): FakeEvent;
  listRequests(): RecordedKlaviyoRequest[];
  close(): Promise<void>;
}

export const klaviyoErrorBodies = { error401, error429 };

const iso = (t: number) => new Date(Math.floor(t / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
const secondOf = (t: number) => Math.floor(t / 1000) * 1000;

interface Row {
  id: string;
  at: number;
  resource: Record<string, unknown>;
  metricId?: string;
}

export async function startFakeKlaviyo(): Promise<FakeKlaviyo> {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let nextId = 1;
  let listCount = 0;
  const pad = (n: number) => String(n).padStart(6, '0');
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/vnd.api+json', ...headers });
    res.end(JSON.stringify(body));
  };
  const kError = (res: ServerResponse, status: number, code: string, detail: string, parameter?: string) =>
    json(res, status, { errors: [{ id: `err-${nextId++}`, status, code, title: detail, detail, source: parameter ? { parameter } : { pointer: '/data/' } }] });

  const fake: FakeKlaviyo = {
    url: '',
    profiles: [],
    lists: new Map(),
    events: [],
    validKeys: new Set(['pk_test_1']),
    validTokens: new Set(),
    clientId: 'kl-client-1',
    clientSecret: 'kl-secret-1',
    accountId: 'AbC123',
    codes: new Map(),
    tokenRequests: [],
    requests: [],
    failNext(count, status, headers = {}, body = undefined) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    addProfile(p) {
      const prof: FakeProfile = { id: p.id ?? `01PROFILE${pad(nextId++)}`, created: p.created, email: p.email ?? `p${nextId}@klaviyo-demo.com` };
      fake.profiles.push(prof);
      return prof;
    },
    addToList(listId, profileId, joinedAt) {
      const members = fake.lists.get(listId) ?? [];
      const i = members.findIndex((m) => m.profileId === profileId);
      if (i >= 0) members.splice(i, 1);
      members.push({ profileId, joinedAt });
      fake.lists.set(listId, members);
    },
    addEvent(e) {
      const ev: FakeEvent = { id: e.id ?? `EV${pad(nextId++)}`, metricId: e.metricId, datetime: e.datetime, profileId: e.profileId ?? '01GDDKASAP8TKDDA2GRZDSVP4H', properties: e.properties ?? {} };
      fake.events.push(ev);
      return ev;
    },
    listRequests: () => fake.requests.filter((r) => r.path.startsWith('/api/')),
    close: async () => {},
  };

  const profileResource = (p: FakeProfile, extra: Record<string, unknown> = {}) => ({
    type: 'profile',
    id: p.id,
    attributes: { email: p.email, first_name: null, last_name: null, created: iso(p.created), updated: iso(p.created), ...extra },
    links: { self: `${fake.url}/api/profiles/${p.id}` },
  });
  const eventResource = (e: FakeEvent) => ({
    type: 'event',
    id: e.id,
    attributes: { timestamp: Math.floor(e.datetime / 1000), event_properties: e.properties, datetime: iso(e.datetime), uuid: `uuid-${e.id}` },
    relationships: {
      profile: { data: { type: 'profile', id: e.profileId } },
      metric: { data: { type: 'metric', id: e.metricId } },
    },
    links: { self: `${fake.url}/api/events/${e.id}` },
  });

  /** Parse `op(field,value),op(field,value)`; null when malformed. */
  const parseFilter = (raw: string | null): Array<{ op: string; field: string; value: string }> | null => {
    if (raw === null || raw === '') return [];
    const out: Array<{ op: string; field: string; value: string }> = [];
    const re = /([a-z-]+)\(([a-z_.]+),([^()]*)\)(,|$)/gy;
    let m: RegExpExecArray | null;
    let pos = 0;
    while ((m = re.exec(raw)) !== null) {
      out.push({ op: m[1]!, field: m[2]!, value: m[3]! });
      pos = re.lastIndex;
      if (pos >= raw.length) break;
    }
    return pos === raw.length ? out : null;
  };

  const list = (res: ServerResponse, url: URL, rows: Row[], opts: { timeField: string; fields: string[]; maxSize: number; sorts: string[] }) => {
    fake.onList?.(listCount++);
    const filters = parseFilter(url.searchParams.get('filter'));
    if (!filters) return kError(res, 400, 'invalid', `Invalid filter provided: ${url.searchParams.get('filter')}`, 'filter');
    const conds: Array<(r: Row) => boolean> = [];
    for (const f of filters) {
      if (!opts.fields.includes(f.field)) return kError(res, 400, 'invalid', `'${f.field}' is not a valid field for the resource`, 'filter');
      if (f.field === 'metric_id') {
        if (f.op !== 'equals') return kError(res, 400, 'invalid', `Invalid operator ${f.op} for metric_id`, 'filter');
        const v = JSON.parse(f.value) as string;
        conds.push((r) => r.metricId === v);
        continue;
      }
      if (f.field !== opts.timeField) return kError(res, 400, 'invalid', `filtering on ${f.field} is not supported`, 'filter');
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(f.value)) return kError(res, 400, 'invalid', `Invalid datetime: ${f.value}`, 'filter');
      const t = Date.parse(f.value);
      const cmp: Record<string, (a: number) => boolean> = {
        'greater-than': (a) => a > t, 'greater-or-equal': (a) => a >= t, 'less-than': (a) => a < t, 'less-or-equal': (a) => a <= t, equals: (a) => a === t,
      };
      const fn = cmp[f.op];
      if (!fn) return kError(res, 400, 'invalid', `Invalid operator ${f.op}`, 'filter');
      conds.push((r) => fn(secondOf(r.at)));
    }
    const sort = url.searchParams.get('sort') ?? 'id';
    if (!opts.sorts.includes(sort)) return kError(res, 400, 'invalid', `'${sort}' is not a valid sort for this endpoint`, 'sort');
    const size = Number(url.searchParams.get('page[size]') ?? '20');
    if (!Number.isInteger(size) || size < 1 || size > opts.maxSize) return kError(res, 400, 'invalid', `page[size] must be between 1 and ${opts.maxSize}`, 'page[size]');
    const dir = sort.startsWith('-') ? -1 : 1;
    const matching = rows.filter((r) => conds.every((c) => c(r))).sort((a, b) => dir * (secondOf(a.at) - secondOf(b.at)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const cursor = url.searchParams.get('page[cursor]');
    const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^offset:/, '')) : 0;
    if (!Number.isInteger(offset) || offset < 0) return kError(res, 400, 'invalid', 'Invalid page cursor', 'page[cursor]');
    const page = matching.slice(offset, offset + size);
    const self = new URL(url.pathname + url.search, fake.url);
    let next: string | null = null;
    if (offset + size < matching.length) {
      const n = new URL(self);
      n.searchParams.set('page[cursor]', Buffer.from(`offset:${offset + size}`).toString('base64url'));
      next = n.toString().replace(/^http:\/\/127\.0\.0\.1:\d+/, 'https://a.klaviyo.com');
    }
    return json(res, 200, { data: page.map((r) => r.resource), links: { self: self.toString(), next, prev: null } });
  };

  let tokenSeq = 1;
  const refreshTokens = new Set<string>();
  const issue = (res: ServerResponse) => {
    const access = `kl-access-${tokenSeq}`;
    const refresh = `kl-refresh-${tokenSeq++}`;
    fake.validTokens.add(access);
    refreshTokens.add(refresh);
    return json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, scope: 'accounts:read events:read lists:read profiles:read' }, { 'content-type': 'application/json' });
  };
  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    const form = (await readJsonOrFormBody(req)) as Record<string, string>;
    fake.tokenRequests.push({ form, auth: req.headers.authorization });
    const oauthError = (error: string) => json(res, 400, { error }, { 'content-type': 'application/json' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return oauthError('invalid_request');
    if (req.headers.authorization !== `Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`) return oauthError('invalid_client');
    if (form.grant_type === 'authorization_code') {
      const grant = fake.codes.get(form.code ?? '');
      if (!grant || form.redirect_uri !== grant.redirectUri) return oauthError('invalid_grant');
      const challenge = createHash('sha256').update(form.code_verifier ?? '').digest('base64url');
      if (challenge !== grant.codeChallenge) return oauthError('invalid_code_verifier');
      fake.codes.delete(form.code!);
      return issue(res);
    }
    if (form.grant_type === 'refresh_token') {
      if (!refreshTokens.delete(form.refresh_token ?? '')) return oauthError('invalid_grant');
      return issue(res);
    }
    return oauthError('invalid_grant_type');
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/oauth/token') return tokenEndpoint(req, res);
      const rec: RecordedKlaviyoRequest = {
        method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization,
        revision: req.headers.revision as string | undefined,
      };
      fake.requests.push(rec);
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body ?? { errors: [{ status: failure.status, code: 'error', title: 'scripted failure', detail: 'scripted failure' }] }, failure.headers);
      const key = /^Klaviyo-API-Key (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!(key !== undefined && fake.validKeys.has(key)) && !(bearer !== undefined && fake.validTokens.has(bearer))) return json(res, 401, error401);
      if (!rec.revision) return kError(res, 400, 'invalid', 'The revision header is required.', 'revision');
      if (req.method !== 'GET') return kError(res, 405, 'method_not_allowed', 'Method not allowed');
      if (url.pathname === '/api/accounts') {
        return json(res, 200, {
          data: [{ type: 'account', id: fake.accountId, attributes: { test_account: false, contact_information: { default_sender_name: 'Klaviyo Demo', organization_name: 'Klaviyo Demo' }, public_api_key: fake.accountId } }],
          links: { self: `${fake.url}/api/accounts`, next: null, prev: null },
        });
      }
      if (url.pathname === '/api/profiles') {
        const rows = fake.profiles.map((p) => ({ id: p.id, at: p.created, resource: profileResource(p) }));
        return list(res, url, rows, { timeField: 'created', fields: ['created', 'updated', 'email', 'id'], maxSize: 100, sorts: ['created', '-created', 'id', '-id', 'updated', '-updated'] });
      }
      const lm = /^\/api\/lists\/([^/]+)\/profiles$/.exec(url.pathname);
      if (lm) {
        const members = fake.lists.get(decodeURIComponent(lm[1]!));
        if (!members) return kError(res, 404, 'not_found', `A list with id ${lm[1]} does not exist.`);
        const rows = members.flatMap((m) => {
          const p = fake.profiles.find((x) => x.id === m.profileId);
          return p ? [{ id: p.id, at: m.joinedAt, resource: profileResource(p, { joined_group_at: iso(m.joinedAt) }) }] : [];
        });
        return list(res, url, rows, { timeField: 'joined_group_at', fields: ['joined_group_at', 'email'], maxSize: 100, sorts: ['joined_group_at', '-joined_group_at'] });
      }
      if (url.pathname === '/api/events') {
        const rows = fake.events.map((e) => ({ id: e.id, at: e.datetime, metricId: e.metricId, resource: eventResource(e) }));
        return list(res, url, rows, { timeField: 'datetime', fields: ['datetime', 'metric_id'], maxSize: 1000, sorts: ['datetime', '-datetime', 'timestamp', '-timestamp'] });
      }
      return kError(res, 404, 'not_found', 'Not found.');
    })().catch((err: unknown) => json(res, 500, { errors: [{ status: 500, code: 'error', title: 'fake failed', detail: String(err) }] }));
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
