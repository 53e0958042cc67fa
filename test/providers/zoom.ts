// A fake Zoom over real HTTP: the OAuth token endpoint (authorization_code and refresh_token grants, client
// credentials as HTTP Basic, 1-hour access tokens, single-use rotating refresh tokens), GET /v2/users/me (the
// connect-time account lookup) with Zoom's error answers (401 code 124 "Invalid access token.", 429 with
// Retry-After, 5xx), and Zoom's side of event notifications: requests signed with the app's Secret Token
// (v0 scheme, computed here with node:crypto straight from Zoom's documentation, not with our SDK), the
// endpoint.url_validation probe (signed too, as Zoom's own sample receiver expects), and retries of the same
// event body (5, 20, 60 minutes apart at Zoom; immediate here), each attempt signed when it is sent.
//
// Docs followed: https://developers.zoom.us/docs/api/webhooks/ (verify, validate),
// https://devsupport.zoom.us/hc/en-us/articles/360059893812-Webhook-delays (retries),
// https://devsupport.zoom.us/hc/en-us/articles/360060332931-Extending-the-expiration-for-an-OAuth-access-token
// (refresh: Basic auth, the latest refresh token only), https://developers.zoom.us/docs/api/users/ (GET /users/me).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface ZoomUser {
  id: string;
  accountId: string;
  email: string;
}

export interface FakeZoom {
  url: string;
  /** `${url}/v2`, the API base. */
  apiBaseUrl: string;
  tokenUrl: string;
  authorizationUrl: string;
  clientId: string;
  clientSecret: string;
  /** Access tokens the API accepts. */
  tokens: Map<string, ZoomUser>;
  /** Refresh tokens: each is single use (a refresh returns a new one). */
  refreshTokens: Map<string, ZoomUser>;
  /** Authorization codes waiting for the token endpoint. */
  codes: Map<string, ZoomUser>;
  requests: Array<{ method: string; path: string; auth: string | undefined; form: Record<string, string> }>;
  /** Answer the next N requests (to `path` if given) with this status and headers. */
  failNext(count: number, status: number, headers?: Record<string, string>, path?: string): void;
  close(): Promise<void>;
}

export interface ZoomSendResult {
  status: number;
  body: string;
}

/** `v0=` + hex HMAC-SHA256(secret token, `v0:{x-zm-request-timestamp}:{body}`) — Zoom's documented scheme. */
export function zoomSignature(secretToken: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secretToken).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface ZoomSendOptions {
  secretToken: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  signatureOverride?: string;
}

/** POSTs an event notification as Zoom does: JSON, signed over the exact bytes sent. */
export async function sendZoomEvent(url: string, body: Record<string, unknown> | string, opts: ZoomSendOptions): Promise<ZoomSendResult> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const res = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Zoom Marketplace/1.0a',
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': opts.signatureOverride ?? zoomSignature(opts.secretToken, timestamp, raw),
      'x-zm-trackingid': `v=2.0&s=${randomBytes(8).toString('hex')}`,
    },
    body: raw,
  });
  return { status: res.statusCode, body: await res.body.text() };
}

/**
 * Delivers like Zoom: the first attempt, then up to 3 retries of the same body while the answer is not
 * 200/204 (each attempt signed with its own timestamp). Zoom waits 5, 20 and 60 minutes; this fake does not.
 */
export async function deliverZoomEvent(url: string, body: Record<string, unknown>, opts: ZoomSendOptions & { retries?: number }): Promise<ZoomSendResult[]> {
  const attempts: ZoomSendResult[] = [];
  for (let i = 0; i <= (opts.retries ?? 3); i++) {
    const r = await sendZoomEvent(url, body, opts);
    attempts.push(r);
    if (r.status === 200 || r.status === 204) break;
  }
  return attempts;
}

/** The probe Zoom sends when the endpoint URL is saved (and every 72 hours). */
export function sendUrlValidation(url: string, plainToken: string, opts: ZoomSendOptions): Promise<ZoomSendResult> {
  return sendZoomEvent(url, { payload: { plainToken }, event_ts: Date.now(), event: 'endpoint.url_validation' }, opts);
}

export async function startFakeZoom(): Promise<FakeZoom> {
  let failures: Array<{ status: number; headers: Record<string, string>; path?: string }> = [];
  const state = {
    clientId: 'zoom-client-id',
    clientSecret: 'zoom-client-secret',
    tokens: new Map<string, ZoomUser>(),
    refreshTokens: new Map<string, ZoomUser>(),
    codes: new Map<string, ZoomUser>(),
    requests: [] as FakeZoom['requests'],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const readForm = async (req: IncomingMessage, url: URL): Promise<Record<string, string>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // Zoom's examples put the grant in the query string or in a form body; both are read.
    return { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) };
  };
  const issue = (user: ZoomUser) => {
    const access = `zoom-at-${randomBytes(8).toString('hex')}`;
    const refresh = `zoom-rt-${randomBytes(8).toString('hex')}`;
    state.tokens.set(access, user);
    state.refreshTokens.set(refresh, user);
    return { access_token: access, token_type: 'bearer', refresh_token: refresh, expires_in: 3599, scope: 'user:read:user meeting:read:meeting' };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const form = await readForm(req, url);
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, form });
      const at = failures.findIndex((f) => f.path === undefined || f.path === url.pathname);
      const failure = at >= 0 ? failures.splice(at, 1)[0] : undefined;
      if (failure) {
        const body = failure.status === 429
          ? { code: 429, message: "You have reached the maximum per-second rate limit for this API. Try again later." }
          : { code: failure.status, message: 'Internal Error' };
        return json(res, failure.status, body, failure.headers);
      }
      if (url.pathname === '/oauth/token' && req.method === 'POST') {
        const basic = `Basic ${Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return json(res, 401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
        if (form.grant_type === 'refresh_token') {
          const user = state.refreshTokens.get(form.refresh_token ?? '');
          if (!user) return json(res, 400, { reason: 'Invalid Token!', error: 'invalid_request' });
          state.refreshTokens.delete(form.refresh_token ?? '');
          return json(res, 200, issue(user));
        }
        if (form.grant_type === 'authorization_code') {
          const user = state.codes.get(form.code ?? '');
          if (!user) return json(res, 400, { reason: 'Invalid authorization code', error: 'invalid_request' });
          state.codes.delete(form.code ?? '');
          return json(res, 200, issue(user));
        }
        return json(res, 400, { reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      const user = token ? state.tokens.get(token) : undefined;
      if (!user) return json(res, 401, { code: 124, message: 'Invalid access token.' });
      if (url.pathname === '/v2/users/me' && req.method === 'GET') {
        return json(res, 200, {
          id: user.id, first_name: 'Jill', last_name: 'Chill', display_name: 'Jill Chill', email: user.email, type: 2,
          role_name: 'Owner', timezone: 'America/Los_Angeles', account_id: user.accountId, status: 'active',
        });
      }
      return json(res, 404, { code: 404, message: 'Not found' });
    })().catch((err: unknown) => json(res, 500, { code: 500, message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/v2`,
    tokenUrl: `${base}/oauth/token`,
    authorizationUrl: `${base}/oauth/authorize`,
    failNext(count: number, status: number, headers: Record<string, string> = {}, path?: string) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, ...(path !== undefined ? { path } : {}) }))];
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
