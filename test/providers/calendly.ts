// A fake Calendly (API v2) over real HTTP: what the integration uses — `GET /users/me`,
// `POST /webhook_subscriptions` (validation of url/events/organization/user/scope, 403 for organization scope
// without admin rights, 409 "Already Exists" for a URL already subscribed — also while the old one is disabled),
// `GET /webhook_subscriptions/{uuid}` (`{resource}` with `state` active/disabled), `DELETE /webhook_subscriptions/{uuid}`,
// the OAuth token endpoint with HTTP Basic client auth and single-use rotating refresh tokens — and Calendly's
// side of webhooks: deliveries signed `Calendly-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256(key, "t.body")>`
// computed with node:crypto exactly as Calendly documents it (Calendly publishes no signing library; the
// computation is checked against the fact sheet's self-computed vector in the tests). Rate limits: every
// response carries X-RateLimit-Limit/Remaining/Reset; 429 when scripted.
//
// Docs followed: https://developer.calendly.com/api-docs/calendly-api/webhooks/create-webhook-subscription,
// https://developer.calendly.com/api-docs/calendly-api/webhooks/get-webhook-subscription,
// https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures,
// https://developer.calendly.com/docs/webhooks/overview, https://developer.calendly.com/api-docs/overview/rate-limits,
// https://developer.calendly.com/api-docs/calendly-o-auth/o-auth/post-oauth-refresh-token
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface CalendlyHook {
  uuid: string;
  uri: string;
  callback_url: string;
  events: string[];
  scope: 'user' | 'organization';
  organization: string;
  user: string | null;
  creator: string;
  state: 'active' | 'disabled';
  signing_key: string | null;
  created_at: string;
}

export interface CalendlyDelivery {
  status: number;
  body: string;
  signature: string;
}

export interface FakeCalendly {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  userUri: string;
  organizationUri: string;
  /** 'user' may only create user-scoped subscriptions; 'admin'/'owner' may create organization-scoped ones. */
  role: 'user' | 'admin' | 'owner';
  validTokens: Set<string>;
  /** Single use: a refresh consumes the token and issues a new one. */
  refreshTokens: Set<string>;
  hooks: Map<string, CalendlyHook>;
  deletedHooks: CalendlyHook[];
  /** The OAuth app's webhook signing key (used when signWith is 'app', as for OAuth-created subscriptions). */
  appSigningKey: string;
  signWith: 'subscription' | 'app';
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(resetSeconds: number): void;
  /** Send a webhook for a subscription, signed as Calendly does; `timestamp` (unix s) and `key` override for forgeries. */
  deliver(uuid: string, body: unknown, opts?: { timestamp?: number; key?: string }): Promise<CalendlyDelivery>;
  close(): Promise<void>;
}

/** hex HMAC-SHA256(key, `${t}.${body}`) and the header Calendly sends. */
export function calendlySignature(key: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;
}

export async function startFakeCalendly(opts: { now?: () => number } = {}): Promise<FakeCalendly> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const API = 'https://api.calendly.com';
  const state = {
    clientId: 'Ab1Cd2Ef3Gh4-calendly-client',
    clientSecret: 'calendly-client-secret',
    userUri: `${API}/users/AAAAAAAAAAAAAAAA`,
    organizationUri: `${API}/organizations/BBBBBBBBBBBBBBBB`,
    role: 'user' as FakeCalendly['role'],
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    hooks: new Map<string, CalendlyHook>(),
    deletedHooks: [] as CalendlyHook[],
    appSigningKey: 'app-webhook-signing-key',
    signWith: 'subscription' as FakeCalendly['signWith'],
    requests: [] as FakeCalendly['requests'],
  };

  const rateHeaders = () => ({ 'x-ratelimit-limit': '500', 'x-ratelimit-remaining': '499', 'x-ratelimit-reset': '60' });
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...rateHeaders(), ...headers });
    res.end(body === null ? '' : JSON.stringify(body));
  };
  /** The WebhookSubscription object as Calendly answers it: the signing key is write-only and never returned. */
  const resourceOf = (hook: CalendlyHook) => {
    const { signing_key: _key, uuid: _uuid, ...resource } = hook;
    return { ...resource, updated_at: hook.created_at, retry_started_at: null };
  };
  const invalid = (res: ServerResponse, details: Array<{ parameter: string; message: string }>) =>
    json(res, 400, { title: 'Invalid Argument', message: 'The supplied parameters are invalid.', details });


  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });

      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const basic = `Basic ${Buffer.from(`${encodeURIComponent(state.clientId)}:${encodeURIComponent(state.clientSecret)}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        if (body.grant_type !== 'refresh_token' || !state.refreshTokens.delete(body.refresh_token)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, or was issued to another client.' });
        }
        const accessToken = `eyJraWQi.${randomBytes(16).toString('hex')}`;
        const refreshToken = randomBytes(24).toString('hex');
        state.validTokens.add(accessToken);
        state.refreshTokens.add(refreshToken);
        return json(res, 200, {
          token_type: 'Bearer', access_token: accessToken, refresh_token: refreshToken, expires_in: 7200, scope: 'default',
          created_at: Math.floor(now() / 1000), owner: state.userUri, organization: state.organizationUri,
        });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return json(res, 401, { title: 'Unauthenticated', message: 'The access token is invalid' });

      if (req.method === 'GET' && url.pathname === '/users/me') {
        return json(res, 200, {
          resource: {
            uri: state.userUri, current_organization: state.organizationUri, name: 'John Doe', email: 'user@example.com',
            slug: 'acmesales', scheduling_url: 'https://calendly.com/acmesales', timezone: 'America/New York',
            created_at: '2019-01-02T03:04:05.678123Z', updated_at: '2019-08-07T06:05:04.321123Z',
          },
        });
      }
      if (req.method === 'POST' && url.pathname === '/webhook_subscriptions') {
        const problems: Array<{ parameter: string; message: string }> = [];
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) problems.push({ parameter: 'url', message: 'is invalid' });
        const allowed = ['invitee.created', 'invitee.canceled', 'invitee_no_show.created', 'routing_form_submission.created'];
        if (!Array.isArray(body.events) || body.events.length === 0 || body.events.some((e: unknown) => !allowed.includes(String(e)))) problems.push({ parameter: 'events', message: 'is invalid' });
        if (body.scope !== 'user' && body.scope !== 'organization') problems.push({ parameter: 'scope', message: 'is invalid' });
        if (body.organization !== state.organizationUri) problems.push({ parameter: 'organization', message: 'is invalid' });
        if (body.scope === 'user' && body.user !== state.userUri) problems.push({ parameter: 'user', message: 'is required for user scope' });
        if (problems.length) return invalid(res, problems);
        if (body.scope === 'organization' && state.role === 'user') {
          return json(res, 403, { title: 'Permission Denied', message: 'You do not have permission to access this resource.' });
        }
        if ([...state.hooks.values()].some((h) => h.callback_url === body.url)) {
          return json(res, 409, { title: 'Already Exists', message: 'Hook with this url already exists' });
        }
        const uuid = randomUUID();
        const hook: CalendlyHook = {
          uuid, uri: `${API}/webhook_subscriptions/${uuid}`, callback_url: body.url, events: body.events, scope: body.scope,
          organization: body.organization, user: body.scope === 'user' ? body.user : null, creator: state.userUri, state: 'active',
          signing_key: typeof body.signing_key === 'string' ? body.signing_key : null, created_at: new Date(now()).toISOString(),
        };
        state.hooks.set(uuid, hook);
        return json(res, 201, { resource: resourceOf(hook) });
      }
      const one = /^\/webhook_subscriptions\/([A-Za-z0-9-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && one) {
        // Get Webhook Subscription: `{resource: WebhookSubscription}`; a deleted one (or one Calendly removed
        // after a 410) is 404 like any unknown resource.
        const hook = state.hooks.get(one[1]!);
        if (!hook) return json(res, 404, { title: 'Resource Not Found', message: 'The server could not find the requested resource.' });
        return json(res, 200, { resource: resourceOf(hook) });
      }
      if (req.method === 'DELETE' && one) {
        const hook = state.hooks.get(one[1]!);
        if (!hook) return json(res, 404, { title: 'Resource Not Found', message: 'The server could not find the requested resource.' });
        state.hooks.delete(hook.uuid);
        state.deletedHooks.push(hook);
        res.writeHead(204, rateHeaders());
        return res.end();
      }
      return json(res, 404, { title: 'Resource Not Found', message: 'The server could not find the requested resource.' });
    })().catch((err: unknown) => json(res, 500, { title: 'Internal Server Error', message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeCalendly = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/oauth/token`,
    failNext(count: number, status: number, body: unknown = { title: 'Internal Server Error', message: 'Something went wrong' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(resetSeconds: number) {
      failures.push({
        status: 429,
        body: { title: 'Too Many Requests', message: 'You have exceeded the rate limit. Please try again later.' },
        headers: { 'x-ratelimit-limit': '500', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetSeconds) },
      });
    },
    async deliver(uuid: string, payload: unknown, o: { timestamp?: number; key?: string } = {}) {
      const hook = state.hooks.get(uuid);
      if (!hook) throw new Error(`fake calendly: no webhook subscription ${uuid}`);
      if (hook.state === 'disabled') throw new Error(`fake calendly: webhook subscription ${uuid} is disabled; Calendly sends nothing to it`);
      const body = JSON.stringify(payload);
      const key = o.key ?? (state.signWith === 'app' ? state.appSigningKey : hook.signing_key ?? '');
      const signature = calendlySignature(key, o.timestamp ?? Math.floor(now() / 1000), body);
      const res = await request(hook.callback_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Calendly', 'calendly-webhook-signature': signature },
        body,
      });
      await res.body.text();
      return { status: res.statusCode, body, signature };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
