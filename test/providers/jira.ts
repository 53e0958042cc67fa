// A fake Jira Cloud (OAuth 2.0 3LO) over real HTTP: the parts the jira integration uses, as Atlassian documents
// them — accessible-resources, /myself, the enhanced JQL search (POST /rest/api/3/search/jql with nextPageToken,
// no total/startAt; the removed /rest/api/3/search answers 410), the project search (startAt paging), the token
// endpoint with rotating refresh tokens, 401 for unknown tokens and 429 with Atlassian's rate-limit headers.
//
// The JQL evaluator reads date literals in the account's time zone, like Jira does (independently of the
// integration's own rendering code, so a mistake there is caught here). Where Jira could read an ambiguous
// local time two ways (DST fall-back), it takes the later instant: the worst case for a poller. Page tokens are
// positions in the result set (offsets), the worst case for page shifts. Hooks let a test change issues between
// two page requests, and `reversePages` returns each page out of order.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonOrFormBody } from '../helpers/request-body.js';
import issueFixture from '../../src/integrations/jira/fixtures/issue.json' with { type: 'json' };
import projectFixture from '../../src/integrations/jira/fixtures/project.json' with { type: 'json' };
import myselfFixture from '../../src/integrations/jira/fixtures/myself.json' with { type: 'json' };
import resourcesFixture from '../../src/integrations/jira/fixtures/accessible-resources.json' with { type: 'json' };

export interface FakeIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  status: string;
  created: number;
  updated: number;
}

export interface FakeProject {
  id: string;
  key: string;
  name: string;
}

export interface RecordedJiraRequest {
  method: string;
  path: string;
  auth: string | undefined;
  body: any;
}

export interface FakeJira {
  url: string;
  cloudId: string;
  timeZone: string;
  issues: FakeIssue[];
  projects: FakeProject[];
  validTokens: Set<string>;
  /** refresh token → access token it yields; each use rotates the refresh token (Atlassian's policy). */
  refreshTokens: Map<string, string>;
  requests: RecordedJiraRequest[];
  maxPageSize: number;
  reversePages: boolean;
  /** Called before each search request is answered (n counts search requests from 0). */
  onSearch?: (n: number, body: any) => void;
  /** Called before each project search page is answered. */
  onProjectSearch?: (n: number) => void;
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  addIssue(i: Partial<FakeIssue> & { created: number }): FakeIssue;
  touch(id: string, at: number): void;
  render(i: FakeIssue): any;
  searches(): RecordedJiraRequest[];
  close(): Promise<void>;
}

// ── time zones (independent of src/integrations/jira/jql.ts) ──────────────────────────────────────────
function offsetAt(t: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600_000 + Number(m[3]) * 60_000);
}

/** The instant Jira gives a local date-time literal in a zone (later reading when ambiguous or skipped). */
export function localToInstant(wallAsUtc: number, timeZone: string): number {
  const offsets = new Set<number>();
  for (const d of [-86400_000, -43200_000, 0, 43200_000, 86400_000]) offsets.add(offsetAt(wallAsUtc + d, timeZone));
  const candidates = [...offsets].map((o) => wallAsUtc - o);
  const valid = candidates.filter((c) => offsetAt(c, timeZone) === wallAsUtc - c);
  // Overlap (two valid readings): the later one. Gap (none): moved later by the gap, as java.time does.
  return Math.max(...(valid.length > 0 ? valid : candidates));
}

function parseJqlDate(s: string, timeZone: string): number {
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(s.trim());
  if (!m) throw new JqlError(`Date value '${s}' for field is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  return localToInstant(wall, timeZone);
}

function pad(n: number, w = 2): string {
  return String(Math.abs(n)).padStart(w, '0');
}

/** Jira renders times in the account's zone: 2026-11-27T21:14:30.000+1100. */
export function renderJiraTime(t: number, timeZone: string): string {
  const off = offsetAt(t, timeZone);
  const d = new Date(t + off);
  const sign = off < 0 ? '-' : '+';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${sign}${pad(Math.trunc(Math.abs(off) / 3600_000))}${pad((Math.abs(off) % 3600_000) / 60_000)}`;
}

// ── a small JQL evaluator ────────────────────────────────────────────────────────────────────────────
class JqlError extends Error {}

type Tok = { t: 'word' | 'str' | 'op' | 'lp' | 'rp' | 'comma'; v: string };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] ?? '';
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === "'") {
      let v = '';
      i++;
      while (i < q.length && q[i] !== c) {
        if (q[i] === '\\') i++;
        v += q[i] ?? '';
        i++;
      }
      if (i >= q.length) throw new JqlError('Error in the JQL Query: unterminated string');
      i++;
      out.push({ t: 'str', v });
      continue;
    }
    if (c === '(') { out.push({ t: 'lp', v: c }); i++; continue; }
    if (c === ')') { out.push({ t: 'rp', v: c }); i++; continue; }
    if (c === ',') { out.push({ t: 'comma', v: c }); i++; continue; }
    const op = /^(>=|<=|!=|!~|=|>|<|~)/.exec(q.slice(i));
    if (op) { out.push({ t: 'op', v: op[1] ?? '' }); i += (op[1] ?? '').length; continue; }
    const w = /^[A-Za-z0-9_.\-:/]+/.exec(q.slice(i));
    if (!w) throw new JqlError(`Error in the JQL Query: the character '${c}' is a reserved JQL character.`);
    out.push({ t: 'word', v: w[0] });
    i += w[0].length;
  }
  return out;
}

type Pred = (i: FakeIssue) => boolean;
interface Parsed { where: Pred | null; order: Array<{ field: string; desc: boolean }> }

const FIELDS = new Set(['project', 'created', 'updated', 'key', 'issuekey', 'summary', 'status']);

function keyOrder(a: string, b: string): number {
  const [pa = '', na = '0'] = a.split('-');
  const [pb = '', nb = '0'] = b.split('-');
  return pa === pb ? Number(na) - Number(nb) : pa.localeCompare(pb);
}

function parseJql(q: string, timeZone: string): Parsed {
  const toks = tokenize(q);
  let p = 0;
  const peekWord = (w: string) => toks[p]?.t === 'word' && toks[p]?.v.toLowerCase() === w;
  const expectWord = (w: string) => {
    if (!peekWord(w)) throw new JqlError(`Error in the JQL Query: Expecting '${w}'`);
    p++;
  };
  const value = (): string => {
    const tk = toks[p++];
    if (!tk || (tk.t !== 'word' && tk.t !== 'str')) throw new JqlError('Error in the JQL Query: Expecting a value');
    return tk.v;
  };
  const clause = (): Pred => {
    const f = toks[p++];
    if (!f || f.t !== 'word') throw new JqlError('Error in the JQL Query: Expecting a field name');
    const field = f.v.toLowerCase();
    if (!FIELDS.has(field)) throw new JqlError(`Field '${f.v}' does not exist or you do not have permission to view it.`);
    let negate = false;
    if (peekWord('not')) { p++; negate = true; }
    if (peekWord('in')) {
      p++;
      if (toks[p++]?.t !== 'lp') throw new JqlError("Error in the JQL Query: Expecting '('");
      const vals: string[] = [value()];
      while (toks[p]?.t === 'comma') { p++; vals.push(value()); }
      if (toks[p++]?.t !== 'rp') throw new JqlError("Error in the JQL Query: Expecting ')'");
      return (i) => vals.some((v) => matchEq(i, field, v)) !== negate;
    }
    const op = toks[p++];
    if (!op || op.t !== 'op') throw new JqlError(`Error in the JQL Query: Expecting operator but got '${op?.v ?? 'end'}'.`);
    const raw = value();
    if (field === 'created' || field === 'updated') {
      const at = parseJqlDate(raw, timeZone);
      const get = (i: FakeIssue) => (field === 'created' ? i.created : i.updated);
      switch (op.v) {
        case '>=': return (i) => get(i) >= at;
        case '>': return (i) => get(i) > at;
        case '<=': return (i) => get(i) <= at;
        case '<': return (i) => get(i) < at;
        case '=': return (i) => get(i) === at;
        case '!=': return (i) => get(i) !== at;
        default: throw new JqlError(`The operator '${op.v}' is not supported by the '${field}' field.`);
      }
    }
    if (op.v === '=') return (i) => matchEq(i, field, raw);
    if (op.v === '!=') return (i) => !matchEq(i, field, raw);
    if (op.v === '~' && field === 'summary') return (i) => i.summary.toLowerCase().includes(raw.toLowerCase());
    throw new JqlError(`The operator '${op.v}' is not supported by the '${field}' field.`);
  };
  const atom = (): Pred => {
    if (peekWord('not')) { p++; const inner = atom(); return (i) => !inner(i); }
    if (toks[p]?.t === 'lp') {
      p++;
      const inner = or();
      if (toks[p++]?.t !== 'rp') throw new JqlError("Error in the JQL Query: Expecting ')'");
      return inner;
    }
    return clause();
  };
  const and = (): Pred => {
    let left = atom();
    while (peekWord('and')) { p++; const l = left; const r = atom(); left = (i) => l(i) && r(i); }
    return left;
  };
  const or = (): Pred => {
    let left = and();
    while (peekWord('or')) { p++; const l = left; const r = and(); left = (i) => l(i) || r(i); }
    return left;
  };
  const where = toks.length > 0 && !peekWord('order') ? or() : null;
  const order: Parsed['order'] = [];
  if (peekWord('order')) {
    p++;
    expectWord('by');
    do {
      if (toks[p]?.t === 'comma') p++;
      const f = value().toLowerCase();
      let desc = false;
      if (peekWord('asc')) p++;
      else if (peekWord('desc')) { p++; desc = true; }
      order.push({ field: f, desc });
    } while (toks[p]?.t === 'comma');
  }
  if (p !== toks.length) throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got '${toks[p]?.v}'.`);
  return { where, order };
}

function matchEq(i: FakeIssue, field: string, v: string): boolean {
  switch (field) {
    case 'project': return i.projectKey.toLowerCase() === v.toLowerCase();
    case 'key': case 'issuekey': return i.key.toLowerCase() === v.toLowerCase() || i.id === v;
    case 'status': return i.status.toLowerCase() === v.toLowerCase();
    default: return false;
  }
}

function sortIssues(list: FakeIssue[], order: Parsed['order']): FakeIssue[] {
  const cmp = (a: FakeIssue, b: FakeIssue): number => {
    for (const o of order) {
      let c = 0;
      if (o.field === 'created') c = a.created - b.created;
      else if (o.field === 'updated') c = a.updated - b.updated;
      else if (o.field === 'key' || o.field === 'issuekey') c = keyOrder(a.key, b.key);
      if (c !== 0) return o.desc ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  };
  return [...list].sort(cmp);
}

// ── server ───────────────────────────────────────────────────────────────────────────────────────────
export async function startFakeJira(opts: { timeZone?: string } = {}): Promise<FakeJira> {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let searchCount = 0;
  let projectSearchCount = 0;
  let nextId = 10100;
  let rotation = 0;
  const cloudId = resourcesFixture[0]?.id ?? 'cloud-1';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const fake = {
    url: '',
    cloudId,
    timeZone: opts.timeZone ?? myselfFixture.timeZone,
    issues: [] as FakeIssue[],
    projects: [] as FakeProject[],
    validTokens: new Set(['valid-token']),
    refreshTokens: new Map<string, string>(),
    requests: [] as RecordedJiraRequest[],
    maxPageSize: 100,
    reversePages: false,
    onSearch: undefined as FakeJira['onSearch'],
    onProjectSearch: undefined as FakeJira['onProjectSearch'],
    failNext(count: number, status: number, headers: Record<string, string> = {}, body: unknown = undefined) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    addIssue(i: Partial<FakeIssue> & { created: number }): FakeIssue {
      const id = i.id ?? String(nextId++);
      const projectKey = i.projectKey ?? 'EX';
      const issue: FakeIssue = {
        id, projectKey, key: i.key ?? `${projectKey}-${id}`, summary: i.summary ?? `Issue ${id}`, status: i.status ?? 'To Do',
        created: i.created, updated: i.updated ?? i.created,
      };
      fake.issues.push(issue);
      return issue;
    },
    touch(id: string, at: number) {
      const issue = fake.issues.find((x) => x.id === id);
      if (!issue) throw new Error(`no issue ${id}`);
      issue.updated = at;
    },
    render(i: FakeIssue) {
      return {
        ...issueFixture,
        id: i.id,
        key: i.key,
        self: `https://your-domain.atlassian.net/rest/api/3/issue/${i.id}`,
        fields: {
          ...issueFixture.fields,
          summary: i.summary,
          status: { ...issueFixture.fields.status, name: i.status },
          project: { ...issueFixture.fields.project, key: i.projectKey, name: i.projectKey },
          created: renderJiraTime(i.created, fake.timeZone),
          updated: renderJiraTime(i.updated, fake.timeZone),
        },
      };
    },
    searches: () => fake.requests.filter((r) => r.path.includes('/search/jql')),
    close: async () => {},
  };

  const restPrefix = `/ex/jira/${cloudId}/rest/api/3`;

  const search = (res: ServerResponse, body: any) => {
    const jql = typeof body.jql === 'string' ? body.jql : '';
    const n = searchCount++;
    fake.onSearch?.(n, body);
    let parsed: Parsed;
    try {
      parsed = parseJql(jql, fake.timeZone);
    } catch (err) {
      return json(res, 400, { errorMessages: [(err as Error).message], warningMessages: [] });
    }
    if (!parsed.where) {
      return json(res, 400, { errorMessages: ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'], warningMessages: [] });
    }
    let offset = 0;
    if (body.nextPageToken !== undefined) {
      try {
        const t = JSON.parse(Buffer.from(String(body.nextPageToken), 'base64url').toString('utf8')) as { jql: string; offset: number };
        if (t.jql !== jql) throw new Error('other query');
        offset = t.offset;
      } catch {
        return json(res, 400, { errorMessages: ['The provided next page token is invalid or expired.'], warningMessages: [] });
      }
    }
    const size = Math.max(1, Math.min(Number(body.maxResults ?? 50), fake.maxPageSize, 5000));
    const all = sortIssues(fake.issues.filter(parsed.where), parsed.order);
    const page = all.slice(offset, offset + size);
    const more = offset + size < all.length;
    const issues = page.map((i) => fake.render(i));
    if (fake.reversePages) issues.reverse();
    // Jira omits nextPageToken on the last page (JRACLOUD-92184) and sends isLast.
    return json(res, 200, {
      issues,
      isLast: !more,
      ...(more ? { nextPageToken: Buffer.from(JSON.stringify({ jql, offset: offset + size })).toString('base64url') } : {}),
    });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : undefined;
      fake.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, auth: req.headers.authorization, body });
      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        if (body?.grant_type !== 'refresh_token' || !fake.refreshTokens.has(String(body.refresh_token))) {
          return json(res, 403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
        }
        const access = fake.refreshTokens.get(String(body.refresh_token)) ?? `access-${++rotation}`;
        fake.refreshTokens.delete(String(body.refresh_token));
        const nextRefresh = `refresh-rotated-${++rotation}`;
        fake.refreshTokens.set(nextRefresh, `access-${rotation}`);
        fake.validTokens.add(access);
        return json(res, 200, { access_token: access, refresh_token: nextRefresh, expires_in: 3600, scope: 'read:jira-work read:jira-user offline_access', token_type: 'Bearer' });
      }
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body ?? { errorMessages: ['scripted failure'] }, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !fake.validTokens.has(token)) return json(res, 401, { code: 401, message: 'Unauthorized' });
      if (req.method === 'GET' && url.pathname === '/oauth/token/accessible-resources') return json(res, 200, resourcesFixture);
      if (!url.pathname.startsWith(restPrefix)) {
        if (url.pathname.startsWith('/ex/jira/')) return json(res, 404, { errorMessages: ['Site not found'] });
        return json(res, 404, { errorMessages: ['no such endpoint'] });
      }
      const path = url.pathname.slice(restPrefix.length);
      if (req.method === 'GET' && path === '/myself') return json(res, 200, { ...myselfFixture, timeZone: fake.timeZone });
      if (path === '/search') {
        return json(res, 410, { errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046'] });
      }
      if (path === '/search/jql' && req.method === 'POST') return search(res, body ?? {});
      if (path === '/search/jql' && req.method === 'GET') {
        return search(res, { jql: url.searchParams.get('jql'), nextPageToken: url.searchParams.get('nextPageToken') ?? undefined, maxResults: url.searchParams.get('maxResults') ?? 50 });
      }
      if (req.method === 'GET' && path === '/project/search') {
        const n = projectSearchCount++;
        fake.onProjectSearch?.(n);
        const startAt = Number(url.searchParams.get('startAt') ?? 0);
        const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 100, fake.maxPageSize);
        const sorted = [...fake.projects].sort((a, b) => a.key.localeCompare(b.key));
        const values = sorted.slice(startAt, startAt + maxResults).map((p) => ({
          ...projectFixture, id: p.id, key: p.key, name: p.name, self: `https://your-domain.atlassian.net/rest/api/3/project/${p.key}`,
        }));
        const isLast = startAt + maxResults >= sorted.length;
        const self = `https://your-domain.atlassian.net/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`;
        return json(res, 200, {
          self, maxResults, startAt, total: sorted.length, isLast, values,
          ...(isLast ? {} : { nextPage: `https://your-domain.atlassian.net/rest/api/3/project/search?startAt=${startAt + maxResults}&maxResults=${maxResults}` }),
        });
      }
      return json(res, 404, { errorMessages: ['no such endpoint'] });
    })().catch((err: unknown) => json(res, 500, { errorMessages: [String(err)] }));
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

/** Atlassian's 429: Retry-After (seconds) plus the X-RateLimit-* headers and the reason. */
export function jiraRateLimitHeaders(retryAfterSeconds: number): Record<string, string> {
  return {
    'retry-after': String(retryAfterSeconds),
    'x-ratelimit-limit': '100',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': new Date(Date.now() + retryAfterSeconds * 1000).toISOString(),
    'ratelimit-reason': 'jira-burst-based',
  };
}
