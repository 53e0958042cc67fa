// A fake GitHub over real HTTP: the REST endpoints the integration uses (create/delete a repository
// webhook, get the authenticated user), the OAuth token endpoint (with GitHub's HTTP-200 error style and
// rotating refresh tokens), GitHub's rate-limit answers (403/429 with x-ratelimit-* or retry-after), and
// GitHub's side of webhooks: signed deliveries (X-Hub-Signature-256 with GitHub's own
// @octokit/webhooks-methods `sign`, which github.test.ts checks against GitHub's published test vector; plus
// the legacy SHA-1 X-Hub-Signature, computed with node:crypto because @octokit/webhooks-methods signs
// SHA-256 only), the `ping` sent after a hook is created, and manual redelivery that keeps the
// X-GitHub-Delivery GUID. Every attempt is kept as GitHub keeps it in the hook's Recent Deliveries, and
// listed (newest first, `per_page`, a `cursor` in the Link header's rel="next") and read one by one
// (with `request.headers`/`request.payload` and `response`) by the webhook deliveries endpoints. A delivery
// can also fail to connect, as when our service is down. Payloads to deliver:
// test/providers/github-examples.ts (GitHub's published examples).
//
// Docs followed: https://docs.github.com/en/rest/repos/webhooks,
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries,
// https://docs.github.com/en/webhooks/webhook-events-and-payloads,
// https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries,
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api,
// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface GithubHook {
  id: number;
  owner: string;
  repo: string;
  name: string;
  active: boolean;
  events: string[];
  config: { url: string; content_type: string; secret?: string; insecure_ssl: string };
}

export interface GithubDelivery {
  guid: string;
  hookId: number;
  event: string;
  body: string;
  /** Every attempt's answer from the receiver (0: no connection). */
  responses: number[];
}

/** One attempt as the deliveries API lists it: a redelivery is a new attempt (new id) with the same GUID. */
export interface GithubDeliveryAttempt {
  id: number;
  guid: string;
  hookId: number;
  event: string;
  action: string | null;
  redelivery: boolean;
  deliveredAt: string;
  duration: number;
  statusCode: number;
  status: string;
  url: string;
  requestHeaders: Record<string, string>;
  payload: unknown;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

export interface FakeGithub {
  /** REST API base (what apiBaseUrl points at). */
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** "owner/repo" the authenticated user administers; others answer 404 like GitHub does. */
  repos: Set<string>;
  hooks: Map<number, GithubHook>;
  /** Hooks deleted through the API, in order. */
  deletedHooks: GithubHook[];
  deliveries: Map<string, GithubDelivery>;
  /** Every delivery attempt, oldest first (what GET …/hooks/{id}/deliveries lists, newest first). */
  attempts: GithubDeliveryAttempt[];
  /** Access tokens the API accepts; anything else gets 401 Bad credentials. */
  validTokens: Set<string>;
  /** Refresh tokens (GitHub App user tokens rotate on use). */
  refreshTokens: Set<string>;
  user: { id: number; login: string };
  requests: Array<{ method: string; path: string; headers: Record<string, string | string[] | undefined>; body: unknown }>;
  /** Send a `ping` right after a hook is created, as GitHub does. */
  autoPing: boolean;
  /** Repository webhooks per event on one repository (20 on github.com, 250 on GitHub Enterprise Server). */
  hooksPerEventLimit: number;
  /** The pings sent so far (their delivery results). */
  pings: Array<Promise<GithubDelivery | undefined>>;
  failNext(count: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  /** Primary limit exhausted (403 + x-ratelimit-remaining: 0) or secondary limit (403 + retry-after). */
  rateLimitNext(kind: 'primary' | 'secondary' | 'secondary-429', opts?: { resetInSeconds?: number; retryAfter?: number }): void;
  /**
   * Deliver an event to a hook, signed with the hook's secret. `unreachable`: the receiver cannot be
   * connected to (our service is down), so the attempt fails without reaching it, recorded with code 0.
   */
  deliver(hookId: number, event: string, payload: unknown, opts?: { guid?: string; secretOverride?: string; unreachable?: boolean }): Promise<GithubDelivery>;
  /** "Redeliver" from the hook's Recent Deliveries: same GUID, same body, fresh signature of the same bytes. */
  redeliver(guid: string): Promise<GithubDelivery>;
  close(): Promise<void>;
}

export async function startFakeGithub(): Promise<FakeGithub> {
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown }> = [];
  let nextHookId = 30;
  // Delivery ids are large integers on github.com; they grow with each attempt.
  let nextDeliveryId = 90_000_000_001;
  const state = {
    clientId: 'Iv1.fakeclient',
    clientSecret: 'github-client-secret',
    repos: new Set<string>(),
    hooks: new Map<number, GithubHook>(),
    deletedHooks: [] as GithubHook[],
    deliveries: new Map<string, GithubDelivery>(),
    attempts: [] as GithubDeliveryAttempt[],
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    user: { id: 1, login: 'octocat' },
    requests: [] as FakeGithub['requests'],
    autoPing: true,
    hooksPerEventLimit: 20,
    pings: [] as Array<Promise<GithubDelivery | undefined>>,
  };
  let remaining = 5000;

  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-used': String(5000 - remaining),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
  });

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json', ...headers });
    res.end(body === null ? '' : JSON.stringify(body));
  };

  const readBody = async (req: IncomingMessage): Promise<{ text: string; value: any }> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text === '') return { text, value: {} };
    if ((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return { text, value: Object.fromEntries(new URLSearchParams(text)) };
    return { text, value: JSON.parse(text) };
  };

  const send = async (hook: GithubHook, delivery: GithubDelivery, opts: { secretOverride?: string; redelivery?: boolean; unreachable?: boolean } = {}): Promise<GithubDelivery> => {
    const { secretOverride } = opts;
    const secret = secretOverride ?? hook.config.secret;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `GitHub-Hookshot/${randomBytes(3).toString('hex')}`,
      'x-github-event': delivery.event,
      'x-github-delivery': delivery.guid,
      'x-github-hook-id': String(hook.id),
      'x-github-hook-installation-target-type': 'repository',
      'x-github-hook-installation-target-id': '186853002',
    };
    if (secret) {
      headers['x-hub-signature-256'] = await sign(secret, delivery.body);
      headers['x-hub-signature'] = `sha1=${createHmac('sha1', secret).update(delivery.body).digest('hex')}`;
    }
    const started = Date.now();
    let statusCode = 0;
    let responseHeaders: Record<string, string> = {};
    let responseBody = '';
    try {
      if (opts.unreachable) throw new Error('connection refused');
      const res = await request(hook.config.url, { method: 'POST', headers, body: delivery.body });
      responseBody = await res.body.text();
      statusCode = res.statusCode;
      responseHeaders = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
    } catch {
      statusCode = 0;
    }
    delivery.responses.push(statusCode);
    const parsed = JSON.parse(delivery.body) as { action?: unknown };
    state.attempts.push({
      // The id is given when the attempt is recorded, so ids grow in the order the list shows them.
      id: nextDeliveryId++,
      guid: delivery.guid,
      hookId: hook.id,
      event: delivery.event,
      action: typeof parsed.action === 'string' ? parsed.action : null,
      redelivery: opts.redelivery === true,
      deliveredAt: new Date(started).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      duration: (Date.now() - started) / 1000,
      statusCode,
      // GitHub's wording for the common outcomes (as shown in Recent Deliveries).
      status: statusCode === 0 ? 'failed to connect to host' : statusCode >= 200 && statusCode < 300 ? 'OK' : `Invalid HTTP Response: ${statusCode}`,
      url: hook.config.url,
      requestHeaders: headers,
      payload: parsed,
      responseHeaders,
      responseBody,
    });
    return delivery;
  };

  // https://docs.github.com/rest/repos/webhooks#list-deliveries-for-a-repository-webhook: the summary of each
  // attempt (no request or response), newest first.
  const attemptSummary = (a: GithubDeliveryAttempt) => ({
    id: a.id,
    guid: a.guid,
    delivered_at: a.deliveredAt,
    redelivery: a.redelivery,
    duration: a.duration,
    status: a.status,
    status_code: a.statusCode,
    event: a.event,
    action: a.action,
    installation_id: null,
    repository_id: 186853002,
    throttled_at: null,
  });


  const hookJson = (hook: GithubHook, base: string) => ({
    type: 'Repository',
    id: hook.id,
    name: hook.name,
    active: hook.active,
    events: hook.events,
    // GitHub never echoes the secret.
    config: { content_type: hook.config.content_type, insecure_ssl: hook.config.insecure_ssl, url: hook.config.url, ...(hook.config.secret ? { secret: '********' } : {}) },
    updated_at: new Date().toISOString(),
    created_at: new Date().toISOString(),
    url: `${base}/repos/${hook.owner}/${hook.repo}/hooks/${hook.id}`,
    test_url: `${base}/repos/${hook.owner}/${hook.repo}/hooks/${hook.id}/test`,
    ping_url: `${base}/repos/${hook.owner}/${hook.repo}/hooks/${hook.id}/pings`,
    deliveries_url: `${base}/repos/${hook.owner}/${hook.repo}/hooks/${hook.id}/deliveries`,
    last_response: { code: null, status: 'unused', message: null },
  });

  let base = '';
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const { value: body } = await readBody(req);
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, { ...rateHeaders(), ...failure.headers });

      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        // GitHub answers OAuth errors with HTTP 200 and an `error` field.
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret) {
          return json(res, 200, { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
        }
        if (body.grant_type === 'refresh_token') {
          if (!state.refreshTokens.delete(body.refresh_token)) {
            return json(res, 200, { error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' });
          }
          const accessToken = `ghu_${randomBytes(10).toString('hex')}`;
          const refreshToken = `ghr_${randomBytes(10).toString('hex')}`;
          state.validTokens.add(accessToken);
          state.refreshTokens.add(refreshToken);
          return json(res, 200, { access_token: accessToken, expires_in: 28_800, refresh_token: refreshToken, refresh_token_expires_in: 15_811_200, scope: '', token_type: 'bearer' });
        }
        return json(res, 200, { error: 'bad_verification_code' });
      }

      const token = req.headers.authorization?.replace(/^(Bearer|token) /, '');
      if (!token || !state.validTokens.has(token)) {
        return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, rateHeaders());
      }
      remaining = Math.max(0, remaining - 1);

      if (req.method === 'GET' && url.pathname === '/user') return json(res, 200, { login: state.user.login, id: state.user.id, type: 'User', site_admin: false }, rateHeaders());

      const deliveriesPath = /^\/repos\/([^/]+)\/([^/]+)\/hooks\/(\d+)\/deliveries(?:\/(\d+))?$/.exec(url.pathname);
      if (deliveriesPath && req.method === 'GET') {
        const owner = decodeURIComponent(deliveriesPath[1] ?? '');
        const repo = decodeURIComponent(deliveriesPath[2] ?? '');
        const hook = state.hooks.get(Number(deliveriesPath[3]));
        if (!state.repos.has(`${owner}/${repo}`) || !hook || hook.owner !== owner || hook.repo !== repo) {
          return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/webhooks', status: '404' }, rateHeaders());
        }
        const ofHook = state.attempts.filter((a) => a.hookId === hook.id).sort((a, b) => b.id - a.id);
        if (deliveriesPath[4] !== undefined) {
          // https://docs.github.com/rest/repos/webhooks#get-a-delivery-for-a-repository-webhook
          const a = ofHook.find((x) => x.id === Number(deliveriesPath[4]));
          if (!a) return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/webhooks#get-a-delivery-for-a-repository-webhook', status: '404' }, rateHeaders());
          return json(res, 200, {
            ...attemptSummary(a),
            url: a.url,
            request: { headers: a.requestHeaders, payload: a.payload },
            response: { headers: a.responseHeaders, payload: a.responseBody },
          }, rateHeaders());
        }
        const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
        // The cursor names the first delivery of the page (opaque to clients: they take it from the Link header).
        const cursor = url.searchParams.get('cursor');
        const startId = cursor === null ? undefined : /^v1_(\d+)$/.exec(cursor)?.[1];
        if (cursor !== null && startId === undefined) {
          return json(res, 400, { message: 'Bad Request', documentation_url: 'https://docs.github.com/rest/repos/webhooks#list-deliveries-for-a-repository-webhook', status: '400' }, rateHeaders());
        }
        const from = startId === undefined ? ofHook : ofHook.filter((a) => a.id <= Number(startId));
        const page = from.slice(0, perPage);
        const next = from[perPage];
        const link: Record<string, string> = next ? { link: `<${base}${url.pathname}?per_page=${perPage}&cursor=v1_${next.id}>; rel="next"` } : {};
        return json(res, 200, page.map(attemptSummary), { ...rateHeaders(), ...link });
      }

      const hooksPath = /^\/repos\/([^/]+)\/([^/]+)\/hooks(?:\/(\d+))?$/.exec(url.pathname);
      if (hooksPath) {
        const owner = decodeURIComponent(hooksPath[1] ?? '');
        const repo = decodeURIComponent(hooksPath[2] ?? '');
        const notFound = () => json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/webhooks', status: '404' }, rateHeaders());
        if (!state.repos.has(`${owner}/${repo}`)) return notFound();
        if (req.method === 'POST' && hooksPath[3] === undefined) {
          const config = body.config ?? {};
          const problems: Array<Record<string, string>> = [];
          if (body.name !== undefined && body.name !== 'web') problems.push({ resource: 'Hook', code: 'custom', field: 'name', message: 'Name must be "web"' });
          if (typeof config.url !== 'string' || config.url === '') problems.push({ resource: 'Hook', code: 'custom', message: 'Config must contain URL for webhooks' });
          const duplicate = [...state.hooks.values()].some((h) => h.owner === owner && h.repo === repo && h.config.url === config.url);
          if (duplicate) problems.push({ resource: 'Hook', code: 'custom', message: 'Hook already exists on this repository' });
          // github.com allows at most 20 repository webhooks subscribed to one event.
          for (const event of Array.isArray(body.events) ? (body.events as string[]) : ['push']) {
            const count = [...state.hooks.values()].filter((h) => h.owner === owner && h.repo === repo && h.events.includes(event)).length;
            if (count >= state.hooksPerEventLimit) problems.push({ resource: 'Hook', code: 'custom', message: `The "${event}" event cannot have more than ${state.hooksPerEventLimit} hooks` });
          }
          if (problems.length > 0) return json(res, 422, { message: 'Validation Failed', errors: problems, documentation_url: 'https://docs.github.com/rest/repos/webhooks#create-a-repository-webhook', status: '422' }, rateHeaders());
          const hook: GithubHook = {
            id: nextHookId++,
            owner,
            repo,
            name: 'web',
            active: body.active !== false,
            events: Array.isArray(body.events) && body.events.length > 0 ? body.events : ['push'],
            config: { url: config.url, content_type: config.content_type ?? 'form', secret: config.secret, insecure_ssl: String(config.insecure_ssl ?? '0') },
          };
          state.hooks.set(hook.id, hook);
          json(res, 201, hookJson(hook, base), { ...rateHeaders(), location: `${base}/repos/${owner}/${repo}/hooks/${hook.id}` });
          if (state.autoPing) {
            const ping = {
              zen: 'Keep it logically awesome.',
              hook_id: hook.id,
              hook: hookJson(hook, base),
              repository: { id: 186853002, name: repo, full_name: `${owner}/${repo}`, private: false },
              sender: { login: state.user.login, id: state.user.id, type: 'User' },
            };
            const delivery: GithubDelivery = { guid: randomUUID(), hookId: hook.id, event: 'ping', body: JSON.stringify(ping), responses: [] };
            state.deliveries.set(delivery.guid, delivery);
            state.pings.push(send(hook, delivery).catch(() => undefined));
          }
          return;
        }
        if (req.method === 'GET' && hooksPath[3] !== undefined) {
          // https://docs.github.com/rest/repos/webhooks#get-a-repository-webhook
          const hook = state.hooks.get(Number(hooksPath[3]));
          if (!hook || hook.owner !== owner || hook.repo !== repo) return notFound();
          return json(res, 200, hookJson(hook, base), rateHeaders());
        }
        if (req.method === 'DELETE' && hooksPath[3] !== undefined) {
          const hook = state.hooks.get(Number(hooksPath[3]));
          if (!hook || hook.owner !== owner || hook.repo !== repo) return notFound();
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204, rateHeaders());
          return res.end();
        }
      }
      return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }, rateHeaders());
    })().catch((err: unknown) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  return Object.assign(state, {
    url: base,
    tokenUrl: `${base}/login/oauth/access_token`,
    failNext(count: number, status: number, headers: Record<string, string> = {}, body: unknown = { message: 'Server Error' }) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, body }))];
    },
    rateLimitNext(kind: 'primary' | 'secondary' | 'secondary-429', opts: { resetInSeconds?: number; retryAfter?: number } = {}) {
      if (kind === 'primary') {
        const reset = Math.floor(Date.now() / 1000) + (opts.resetInSeconds ?? 120);
        failures.push({
          status: 403,
          headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' },
          body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
        });
      } else {
        failures.push({
          status: kind === 'secondary' ? 403 : 429,
          headers: opts.retryAfter !== undefined ? { 'retry-after': String(opts.retryAfter) } : {},
          body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
        });
      }
    },
    async deliver(hookId: number, event: string, payload: unknown, opts: { guid?: string; secretOverride?: string; unreachable?: boolean } = {}) {
      const hook = state.hooks.get(hookId);
      if (!hook) throw new Error(`fake github: no hook ${hookId}`);
      if (!hook.events.includes(event) && !hook.events.includes('*')) throw new Error(`fake github: hook ${hookId} is not subscribed to ${event}`);
      const delivery: GithubDelivery = { guid: opts.guid ?? randomUUID(), hookId, event, body: JSON.stringify(payload), responses: [] };
      state.deliveries.set(delivery.guid, delivery);
      return send(hook, delivery, opts);
    },
    async redeliver(guid: string) {
      const delivery = state.deliveries.get(guid);
      if (!delivery) throw new Error(`fake github: no delivery ${guid}`);
      const hook = state.hooks.get(delivery.hookId);
      if (!hook) throw new Error(`fake github: hook ${delivery.hookId} is gone`);
      return send(hook, delivery, { redelivery: true });
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
