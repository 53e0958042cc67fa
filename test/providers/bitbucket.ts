// A fake Bitbucket Cloud over real HTTP: what the integration uses of the REST API 2.0 — `GET /2.0/user`,
// `POST /2.0/repositories/{workspace}/{repo_slug}/hooks` ({description, url, active, events, secret}; 201 with
// the hook and its `{uuid}`, `secret_set` but never the secret; 404 for a repository the user cannot see, 403
// without admin rights, 400 for a bad URL or event), `GET` / `DELETE …/hooks/{uid}` (204; 404 when gone) —
// the OAuth token endpoint (client credentials in HTTP Basic), 401 for an unknown token, scripted failures and
// 429s — and Bitbucket's side of webhooks: a POST per event with X-Event-Key, X-Hook-UUID, X-Request-UUID,
// X-Attempt-Number and, for a hook with a secret, X-Hub-Signature (sha256=<hex HMAC of the raw body>). A 5xx
// answer is retried up to two more times, as Bitbucket documents; `resend` sends the same event again by hand.
//
// Docs followed: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-webhooks/,
// https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/, https://support.atlassian.com/bitbucket-cloud/docs/troubleshoot-webhooks/,
// https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/, https://developer.atlassian.com/cloud/bitbucket/oauth-2
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { signRequest } from '../../src/sdk/index.js';
import { BITBUCKET_SIGNATURE_SCHEME } from '../../src/integrations/bitbucket/webhooks.js';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface BitbucketRepo {
  workspace: string;
  slug: string;
  uuid: string;
  /** Whether the connected user is an admin of it (webhooks need admin rights). */
  admin: boolean;
}

export interface BitbucketHook {
  uuid: string;
  repo: BitbucketRepo;
  url: string;
  description: string;
  active: boolean;
  events: string[];
  secret: string | null;
  created_at: string;
}

export interface BitbucketDelivery {
  hookUuid: string;
  event: string;
  body: string;
  requestUuid: string;
  /** Headers of the last attempt. */
  headers: Record<string, string>;
  /** Every attempt's answer (0: no connection). */
  responses: number[];
}

export interface FakeBitbucket {
  /** The REST API base (what apiBaseUrl points at): `${origin}/2.0`. */
  url: string;
  origin: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  user: { uuid: string; nickname: string; display_name: string; account_id: string };
  repos: BitbucketRepo[];
  hooks: Map<string, BitbucketHook>;
  deletedHooks: BitbucketHook[];
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  deliveries: BitbucketDelivery[];
  requests: Array<{ method: string; path: string; rawPath: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(retryAfterSeconds: number): void;
  /**
   * Send an event to a hook (it must subscribe to it), signed with the hook's secret; a 5xx answer is retried up
   * to two more times. `secret` signs with another secret (forgeries; null sends no signature).
   */
  deliver(hookUuid: string, event: string, payload: unknown, opts?: { secret?: string | null }): Promise<BitbucketDelivery>;
  /** "Resend request" from the hook's request log: the same event and body again, the next attempt number. */
  resend(delivery: BitbucketDelivery): Promise<BitbucketDelivery>;
  hooksOf(slug: string): BitbucketHook[];
  close(): Promise<void>;
}

const error = (message: string) => ({ type: 'error', error: { message } });

export async function startFakeBitbucket(): Promise<FakeBitbucket> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    clientId: 'bbFakeConsumerKey',
    clientSecret: 'bb-fake-consumer-secret',
    user: { uuid: '{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}', nickname: 'emma', display_name: 'Emma', account_id: '557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443' },
    repos: [] as BitbucketRepo[],
    hooks: new Map<string, BitbucketHook>(),
    deletedHooks: [] as BitbucketHook[],
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    deliveries: [] as BitbucketDelivery[],
    requests: [] as FakeBitbucket['requests'],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body));
  };
  const hookJson = (h: BitbucketHook) => ({
    type: 'webhook_subscription', uuid: h.uuid, url: h.url, description: h.description, subject_type: 'repository',
    subject: { type: 'repository', full_name: `${h.repo.workspace}/${h.repo.slug}`, uuid: h.repo.uuid },
    active: h.active, created_at: h.created_at, events: h.events, secret_set: h.secret !== null, skip_cert_verification: false,
  });
  const findRepo = (workspace: string, slug: string) =>
    state.repos.find((r) => r.workspace.toLowerCase() === decodeURIComponent(workspace).toLowerCase() && r.slug.toLowerCase() === decodeURIComponent(slug).toLowerCase());

  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      const rawPath = (req.url ?? '/').split('?')[0]!;
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, rawPath, auth: req.headers.authorization, body });

      if (req.method === 'POST' && url.pathname === '/site/oauth2/access_token') {
        const basic = `Basic ${Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return json(res, 401, { error: 'invalid_client', error_description: 'Invalid OAuth client credentials' });
        if (body.grant_type !== 'refresh_token' || !state.refreshTokens.delete(body.refresh_token)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh_token' });
        }
        const accessToken = randomBytes(32).toString('base64url');
        const refreshToken = randomBytes(16).toString('base64url');
        state.validTokens.add(accessToken);
        state.refreshTokens.add(refreshToken);
        return json(res, 200, { access_token: accessToken, token_type: 'bearer', expires_in: 7200, refresh_token: refreshToken, scopes: 'account webhook repository pullrequest issue' });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return json(res, 401, error('Access token expired or invalid.'));
      if (!rawPath.startsWith('/2.0/')) return json(res, 404, error('Resource not found'));
      const path = rawPath.slice('/2.0'.length);

      if (req.method === 'GET' && path === '/user') {
        return json(res, 200, { type: 'user', ...state.user, links: { html: { href: `https://bitbucket.org/${encodeURIComponent(state.user.uuid)}/` } } });
      }
      const hooks = /^\/repositories\/([^/]+)\/([^/]+)\/hooks$/.exec(path);
      const one = /^\/repositories\/([^/]+)\/([^/]+)\/hooks\/([^/]+)$/.exec(path);
      const m = hooks ?? one;
      const repo = m ? findRepo(m[1]!, m[2]!) : undefined;
      if (m && !repo) return json(res, 404, error(`Repository ${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)} not found`));
      if (repo && !repo.admin) return json(res, 403, error('Your credentials lack one or more required privilege scopes.'));

      if (req.method === 'POST' && hooks && repo) {
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return json(res, 400, error('Invalid URL'));
        if (!Array.isArray(body.events) || body.events.length === 0 || !body.events.every((e: unknown) => typeof e === 'string' && /^[a-z_]+:[a-z_:]+$/.test(e))) {
          return json(res, 400, error('Invalid event type'));
        }
        const hook: BitbucketHook = {
          uuid: `{${randomUUID()}}`, repo, url: body.url, description: typeof body.description === 'string' ? body.description : '',
          active: body.active !== false, events: body.events, secret: typeof body.secret === 'string' && body.secret !== '' ? body.secret : null,
          created_at: new Date().toISOString(),
        };
        state.hooks.set(hook.uuid, hook);
        return json(res, 201, hookJson(hook));
      }
      if (one && repo) {
        const hook = state.hooks.get(decodeURIComponent(one[3]!));
        if (!hook || hook.repo !== repo) return json(res, 404, error('Webhook not found'));
        if (req.method === 'GET') return json(res, 200, hookJson(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.uuid);
          state.deletedHooks.push(hook);
          res.writeHead(204);
          return res.end();
        }
      }
      return json(res, 404, error('Resource not found'));
    })().catch((err: unknown) => json(res, 500, error(String(err))));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const attempt = async (hook: BitbucketHook, delivery: BitbucketDelivery, secret: string | null): Promise<number> => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Bitbucket-Webhooks/2.0',
      'x-event-key': delivery.event,
      'x-hook-uuid': hook.uuid.replace(/[{}]/g, ''),
      'x-request-uuid': delivery.requestUuid,
      'x-attempt-number': String(delivery.responses.length + 1),
    };
    const rawBody = Buffer.from(delivery.body);
    if (secret !== null) Object.assign(headers, signRequest(BITBUCKET_SIGNATURE_SCHEME, { method: 'POST', url: new URL(hook.url).pathname, headers, rawBody }, { secret }, Date.now()));
    let status = 0;
    try {
      const res = await request(hook.url, { method: 'POST', headers, body: rawBody });
      await res.body.text();
      status = res.statusCode;
    } catch {
      status = 0;
    }
    delivery.headers = headers;
    delivery.responses.push(status);
    return status;
  };
  const send = async (delivery: BitbucketDelivery, secret: string | null | undefined, retries: number): Promise<BitbucketDelivery> => {
    const hook = state.hooks.get(delivery.hookUuid);
    if (!hook) throw new Error(`fake bitbucket: no hook ${delivery.hookUuid}`);
    if (!hook.active) throw new Error(`fake bitbucket: hook ${hook.uuid} is inactive; Bitbucket sends nothing to it`);
    const key = secret === undefined ? hook.secret : secret;
    let status = await attempt(hook, delivery, key);
    // "If the status code in the payload response is in the 500-599 range, Bitbucket automatically resends the
    // request up to two more times."
    for (let i = 0; i < retries && status >= 500 && status < 600; i++) status = await attempt(hook, delivery, key);
    return delivery;
  };

  const fake: FakeBitbucket = Object.assign(state, {
    url: `${origin}/2.0`,
    origin,
    tokenUrl: `${origin}/site/oauth2/access_token`,
    failNext(count: number, status: number, body: unknown = error('Something went wrong'), headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(retryAfterSeconds: number) {
      failures.push({ status: 429, body: error('Rate limit for this resource has been exceeded'), headers: { 'retry-after': String(retryAfterSeconds) } });
    },
    async deliver(hookUuid: string, event: string, payload: unknown, opts: { secret?: string | null } = {}) {
      const hook = state.hooks.get(hookUuid);
      if (!hook) throw new Error(`fake bitbucket: no hook ${hookUuid}`);
      if (!hook.events.includes(event)) throw new Error(`fake bitbucket: hook ${hookUuid} does not subscribe to ${event}`);
      const delivery: BitbucketDelivery = { hookUuid, event, body: JSON.stringify(payload), requestUuid: randomUUID(), headers: {}, responses: [] };
      state.deliveries.push(delivery);
      return send(delivery, opts.secret, 2);
    },
    async resend(delivery: BitbucketDelivery) {
      return send(delivery, undefined, 0);
    },
    hooksOf: (slug: string) => [...state.hooks.values()].filter((h) => h.repo.slug === slug),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
