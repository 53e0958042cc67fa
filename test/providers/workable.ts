// A fake Workable SPI v3 over real HTTP, under the account's own path `/{subdomain}/spi/v3` (the test's apiBaseUrl
// keeps the `{subdomain}` placeholder for the engine to fill, as the real host does): `POST /subscriptions`
// ({target, event: candidate_created|candidate_moved, args: {job_shortcode?, stage_slug?}} → 201 `{id}`; 422 for an
// unknown event or a target that is not a URL, 404 for an unknown job), `DELETE /subscriptions/{id}` (404 when
// unknown) and `GET /candidates` (`updated_after` strictly after, `shortcode`, `limit` ≤ 100, `paging.next` as an
// absolute URL), behind `Authorization: Bearer <token>` (401 `{"error": "Not authorized"}` otherwise), with
// `X-Rate-Limit-*` headers and scripted failures. And Workable's side of webhooks: adding or moving a candidate POSTs
// it as JSON to every matching subscription's target exactly as registered (query included), with
// `X-Workable-Signature` = hex HMAC-SHA256 of the body keyed with the account's API token (node:crypto here).
//
// Docs followed: https://workable.readme.io/reference/webhook-subscriptions-candidates-employees,
// https://workable.readme.io/reference/webhooks, https://workable.readme.io/reference/job-candidates-index,
// https://workable.readme.io/reference/rate-limits
import { createHmac } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface WorkableSubscription {
  id: number;
  target: string;
  event: string;
  args: { job_shortcode?: string; stage_slug?: string; account_id?: string };
}

export interface WorkableCandidate {
  id: string;
  name: string;
  job: { shortcode: string; title: string };
  stage: string;
  created_at: string;
  updated_at: string;
  [k: string]: unknown;
}

export interface FakeWorkable {
  /** The API base with the `{subdomain}` placeholder left for the engine to fill. */
  apiBaseTemplate: string;
  subdomain: string;
  token: string;
  jobs: Set<string>;
  subscriptions: Map<number, WorkableSubscription>;
  candidates: WorkableCandidate[];
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  signature(body: string, key?: string): string;
  /** Add a candidate (created now) and deliver candidate_created to the matching subscriptions; the answers' statuses. */
  addCandidate(jobShortcode: string, at: string, extra?: Record<string, unknown>): Promise<{ candidate: WorkableCandidate; statuses: number[] }>;
  /** Move a candidate to a stage (updated at `at`) and deliver candidate_moved to the matching subscriptions. */
  moveCandidate(id: string, stage: string, at: string): Promise<number[]>;
  /** POST a body to a URL as Workable does, signed with the token (or `key`). */
  post(url: string, body: unknown, opts?: { key?: string; signature?: string | null }): Promise<number>;
  close(): Promise<void>;
}

export async function startFakeWorkable(): Promise<FakeWorkable> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextSub = 4821;
  let nextCandidate = 0xce4da98;
  const state = {
    subdomain: 'groove-tech',
    token: 'wk-token-1',
    jobs: new Set<string>(['GROOV005', 'GROOV006']),
    subscriptions: new Map<number, WorkableSubscription>(),
    candidates: [] as WorkableCandidate[],
    requests: [] as FakeWorkable['requests'],
  };
  const rateHeaders = { 'x-rate-limit-limit': '10', 'x-rate-limit-remaining': '9', 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 10) };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...rateHeaders, ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      const auth = req.headers.authorization;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth, body });
      const failure = failures.shift();
      if (failure) return send(res, failure.status, failure.body, failure.headers);
      const prefix = `/${state.subdomain}/spi/v3`;
      if (!url.pathname.startsWith(`${prefix}/`)) return send(res, 404, { error: 'Not found' });
      if (auth !== `Bearer ${state.token}`) return send(res, 401, { error: 'Not authorized' });
      const path = url.pathname.slice(prefix.length);

      if (req.method === 'POST' && path === '/subscriptions') {
        const { target, event, args = {} } = body as { target?: unknown; event?: unknown; args?: Record<string, unknown> };
        if (typeof target !== 'string' || !/^https?:\/\//.test(target)) return send(res, 422, { error: 'target is invalid' });
        if (event !== 'candidate_created' && event !== 'candidate_moved') return send(res, 422, { error: 'event is invalid' });
        for (const k of Object.keys(args)) if (!['account_id', 'job_shortcode', 'stage_slug'].includes(k)) return send(res, 422, { error: `unknown argument ${k}` });
        if (typeof args.job_shortcode === 'string' && !state.jobs.has(args.job_shortcode)) return send(res, 404, { error: 'Job not found' });
        const sub: WorkableSubscription = { id: nextSub++, target, event, args: args };
        state.subscriptions.set(sub.id, sub);
        return send(res, 201, { id: sub.id });
      }
      const del = /^\/subscriptions\/([^/]+)$/.exec(path);
      if (req.method === 'DELETE' && del) {
        const id = Number(decodeURIComponent(del[1]!));
        if (!state.subscriptions.delete(id)) return send(res, 404, { error: 'Not found' });
        return send(res, 200, {});
      }
      if (req.method === 'GET' && path === '/candidates') {
        const q = url.searchParams;
        const limit = Math.min(Number(q.get('limit') ?? 50), 100);
        let rows = [...state.candidates].sort((a, b) => (a.id < b.id ? -1 : 1));
        const after = q.get('updated_after');
        if (after) rows = rows.filter((c) => Date.parse(c.updated_at) > Date.parse(after));
        const shortcode = q.get('shortcode');
        if (shortcode) rows = rows.filter((c) => c.job.shortcode === shortcode);
        const since = q.get('since_id');
        if (since) rows = rows.filter((c) => c.id >= since);
        const page = rows.slice(0, limit);
        const more = rows[limit];
        const next = more ? new URL(`${base}${prefix}/candidates`) : null;
        if (next && more) {
          for (const [k, v] of q) if (k !== 'since_id') next.searchParams.set(k, v);
          next.searchParams.set('since_id', more.id);
        }
        return send(res, 200, { candidates: page, paging: next ? { next: next.toString() } : undefined });
      }
      return send(res, 404, { error: 'Not found' });
    })().catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signature = (text: string, key = state.token) => createHmac('sha256', key).update(text).digest('hex');
  const post = async (target: string, payload: unknown, o: { key?: string; signature?: string | null } = {}) => {
    const text = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Workable' };
    const sig = o.signature === undefined ? signature(text, o.key) : o.signature;
    if (sig !== null) headers['x-workable-signature'] = sig;
    const r = await request(target, { method: 'POST', body: text, headers });
    await r.body.text();
    return r.statusCode;
  };
  const fire = async (event: string, c: WorkableCandidate) => {
    const statuses: number[] = [];
    for (const sub of state.subscriptions.values()) {
      if (sub.event !== event) continue;
      if (sub.args.job_shortcode && sub.args.job_shortcode !== c.job.shortcode) continue;
      if (event === 'candidate_moved' && sub.args.stage_slug && sub.args.stage_slug !== c.stage) continue;
      statuses.push(await post(sub.target, c));
    }
    return statuses;
  };

  const fake: FakeWorkable = Object.assign(state, {
    apiBaseTemplate: `${base}/{subdomain}/spi/v3`,
    failNext(count: number, status: number, body: unknown = { error: 'error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    signature,
    post,
    async addCandidate(jobShortcode: string, at: string, extra: Record<string, unknown> = {}) {
      const id = (nextCandidate++).toString(16);
      const candidate: WorkableCandidate = {
        id, name: 'Lakita Marrero', firstname: 'Lakita', lastname: 'Marrero', headline: 'Operations Manager',
        account: { subdomain: state.subdomain, name: 'Groove Tech' }, job: { shortcode: jobShortcode, title: 'Office Manager' },
        stage: 'applied', disqualified: false, sourced: false, email: `${id}@example.com`, created_at: at, updated_at: at, ...extra,
      };
      state.candidates.push(candidate);
      return { candidate, statuses: await fire('candidate_created', candidate) };
    },
    async moveCandidate(id: string, stage: string, at: string) {
      const c = state.candidates.find((x) => x.id === id)!;
      c.stage = stage;
      c.updated_at = at;
      return fire('candidate_moved', c);
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
