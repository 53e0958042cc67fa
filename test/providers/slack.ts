// A fake Slack over real HTTP: the Web API methods the integration calls (auth.test, oauth.v2.access with
// token rotation), Slack's error style (HTTP 200 with {"ok": false, "error": …}, HTTP 429 + Retry-After),
// and Slack's side of the Events API and Interactivity: signed deliveries (v0 scheme, computed here with
// node:crypto straight from Slack's documentation, not with our SDK), url_verification, and retries with
// X-Slack-Retry-Num / X-Slack-Retry-Reason that keep the same event_id.
//
// Docs followed: https://docs.slack.dev/authentication/verifying-requests-from-slack,
// https://docs.slack.dev/apis/events-api, https://api.slack.com/methods/auth.test,
// https://docs.slack.dev/authentication/installing-with-oauth, https://docs.slack.dev/authentication/using-token-rotation
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface SlackWorkspace {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

export interface FakeSlack {
  /** Base URL; the Web API lives under `${url}/api`. */
  url: string;
  apiBaseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Access tokens the API accepts, by token. */
  tokens: Map<string, SlackWorkspace>;
  /** Tokens that used to work and now answer `token_expired` (rotation enabled, 12 h elapsed). */
  expiredTokens: Set<string>;
  /** Refresh tokens (single use: each refresh rotates it). */
  refreshTokens: Map<string, SlackWorkspace>;
  /** Authorization codes waiting for oauth.v2.access. */
  codes: Map<string, SlackWorkspace>;
  /** The app has token rotation turned on: installs get a 12-hour token and a refresh token. */
  rotationEnabled: boolean;
  requests: Array<{ method: string; path: string; auth: string | undefined; form: Record<string, string> }>;
  /**
   * Answer the next N requests with this status and headers (e.g. 429 + Retry-After, 500); with `path`
   * (e.g. `/api/auth.test`), only requests to that path.
   */
  failNext(count: number, status: number, headers?: Record<string, string>, path?: string): void;
  /** Issue an access token (and with `rotation`, a refresh token) for a workspace, as an install would. */
  install(ws: SlackWorkspace, opts?: { rotation?: boolean }): { accessToken: string; refreshToken?: string; expiresIn?: number };
  close(): Promise<void>;
}

export interface SlackSendResult {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{body}`) — Slack's documented scheme. */
export function slackSignature(signingSecret: string, timestamp: string, body: string | Buffer): string {
  const mac = createHmac('sha256', signingSecret);
  mac.update(`v0:${timestamp}:`);
  mac.update(body);
  return `v0=${mac.digest('hex')}`;
}

export interface SendOptions {
  signingSecret: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Slack retries: 1, 2, 3. */
  retryNum?: number;
  retryReason?: string;
  /** Send this signature instead of the right one. */
  signatureOverride?: string;
}

async function post(url: string, body: string, contentType: string, opts: SendOptions): Promise<SlackSendResult> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': opts.signatureOverride ?? slackSignature(opts.signingSecret, timestamp, body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  const res = await request(url, { method: 'POST', headers, body });
  return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
}

export interface EnvelopeOptions {
  teamId: string;
  eventId?: string;
  eventTime?: number;
  apiAppId?: string;
  authorizations?: Array<Record<string, unknown>>;
  contextTeamId?: string;
}

/** An Events API request body (`type: event_callback`) around an inner event. */
export function eventEnvelope(event: Record<string, unknown>, opts: EnvelopeOptions): Record<string, unknown> {
  return {
    token: 'XXYYZZ',
    team_id: opts.teamId,
    api_app_id: opts.apiAppId ?? 'A123ABC456',
    event,
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: opts.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: opts.authorizations ?? [
      { enterprise_id: null, team_id: opts.teamId, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    context_team_id: opts.contextTeamId ?? opts.teamId,
    context_enterprise_id: null,
  };
}

/** POSTs an Events API body as Slack does: JSON, signed over the exact bytes sent. */
export function sendSlackEvent(url: string, envelope: Record<string, unknown>, opts: SendOptions): Promise<SlackSendResult> {
  return post(url, JSON.stringify(envelope), 'application/json', opts);
}

/**
 * Delivers like Slack's Events API: the first attempt, then up to 3 retries (X-Slack-Retry-Num 1–3) while
 * the answer is not 2xx. Slack waits (immediately, ~1 min, ~5 min) between them; this fake does not.
 */
export async function deliverSlackEvent(url: string, envelope: Record<string, unknown>, opts: SendOptions & { maxRetries?: number }): Promise<SlackSendResult[]> {
  const attempts: SlackSendResult[] = [];
  const maxRetries = opts.maxRetries ?? 3;
  for (let retry = 0; retry <= maxRetries; retry++) {
    const r = await sendSlackEvent(url, envelope, { ...opts, ...(retry > 0 ? { retryNum: retry, retryReason: 'http_error' } : {}) });
    attempts.push(r);
    if (r.status >= 200 && r.status < 300) break;
  }
  return attempts;
}

/** POSTs an interaction as Slack does: form-encoded with a single `payload` field holding JSON. */
export function sendSlackInteraction(url: string, payload: Record<string, unknown>, opts: SendOptions): Promise<SlackSendResult> {
  return post(url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
}

/** The probe Slack sends when a Request URL is saved. */
export function sendUrlVerification(url: string, challenge: string, opts: SendOptions): Promise<SlackSendResult> {
  return post(url, JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge, type: 'url_verification' }), 'application/json', opts);
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let failures: Array<{ status: number; headers: Record<string, string>; path?: string }> = [];
  const state = {
    clientId: '1234.5678',
    clientSecret: 'slack-client-secret',
    tokens: new Map<string, SlackWorkspace>(),
    expiredTokens: new Set<string>(),
    refreshTokens: new Map<string, SlackWorkspace>(),
    codes: new Map<string, SlackWorkspace>(),
    rotationEnabled: false,
    requests: [] as FakeSlack['requests'],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const readForm = async (req: IncomingMessage): Promise<Record<string, string>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if ((req.headers['content-type'] ?? '').includes('json') && text.trim() !== '') {
      return Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    }
    return Object.fromEntries(new URLSearchParams(text));
  };

  const issue = (ws: SlackWorkspace, rotation: boolean) => {
    const accessToken = `${rotation ? 'xoxe.' : ''}xoxb-${ws.teamId}-${randomBytes(6).toString('hex')}`;
    state.tokens.set(accessToken, ws);
    if (!rotation) return { accessToken };
    const refreshToken = `xoxe-1-${randomBytes(8).toString('hex')}`;
    state.refreshTokens.set(refreshToken, ws);
    return { accessToken, refreshToken, expiresIn: 43_200 };
  };

  const tokenResponse = (ws: SlackWorkspace, t: { accessToken: string; refreshToken?: string; expiresIn?: number }) => ({
    ok: true,
    access_token: t.accessToken,
    token_type: 'bot',
    scope: 'channels:history,groups:history,im:history,mpim:history,app_mentions:read,reactions:read,channels:read',
    bot_user_id: ws.botUserId,
    app_id: 'A0KRD7HC3',
    team: ws.isEnterpriseInstall ? null : { name: ws.teamName, id: ws.teamId },
    enterprise: ws.enterpriseId ? { name: 'enterprise', id: ws.enterpriseId } : null,
    is_enterprise_install: ws.isEnterpriseInstall === true,
    authed_user: { id: 'U1234' },
    ...(t.refreshToken ? { refresh_token: t.refreshToken, expires_in: t.expiresIn } : {}),
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const form = await readForm(req);
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, form });
      const at = failures.findIndex((f) => f.path === undefined || f.path === url.pathname);
      const failure = at >= 0 ? failures.splice(at, 1)[0] : undefined;
      if (failure) {
        const body = failure.status === 429 ? { ok: false, error: 'ratelimited' } : { ok: false, error: 'internal_error' };
        return json(res, failure.status, body, failure.headers);
      }
      if (url.pathname === '/api/oauth.v2.access') {
        const clientOk = form.client_id === state.clientId && form.client_secret === state.clientSecret;
        if (!clientOk) return json(res, 200, { ok: false, error: 'invalid_client_id' });
        if (form.grant_type === 'refresh_token') {
          const ws = state.refreshTokens.get(form.refresh_token ?? '');
          if (!ws) return json(res, 200, { ok: false, error: 'invalid_refresh_token' });
          // Rotation: the refresh token is single use.
          state.refreshTokens.delete(form.refresh_token ?? '');
          return json(res, 200, tokenResponse(ws, issue(ws, true)));
        }
        const ws = state.codes.get(form.code ?? '');
        if (!ws) return json(res, 200, { ok: false, error: 'invalid_code' });
        state.codes.delete(form.code ?? '');
        return json(res, 200, tokenResponse(ws, issue(ws, state.rotationEnabled)));
      }
      // Web API methods: the token as a bearer header (or the legacy `token` argument).
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? form.token;
      if (!token) return json(res, 200, { ok: false, error: 'not_authed' });
      if (state.expiredTokens.has(token)) return json(res, 200, { ok: false, error: 'token_expired' });
      const ws = state.tokens.get(token);
      if (!ws) return json(res, 200, { ok: false, error: 'invalid_auth' });
      if (url.pathname === '/api/auth.test') {
        return json(res, 200, {
          ok: true,
          url: `https://${ws.teamName.toLowerCase().replace(/\W+/g, '')}.slack.com/`,
          team: ws.teamName,
          user: 'bot',
          team_id: ws.teamId,
          user_id: ws.botUserId,
          bot_id: ws.botId,
          ...(ws.enterpriseId ? { enterprise_id: ws.enterpriseId } : {}),
          is_enterprise_install: ws.isEnterpriseInstall === true,
        });
      }
      return json(res, 200, { ok: false, error: 'unknown_method' });
    })().catch((err: unknown) => json(res, 500, { ok: false, error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/api`,
    tokenUrl: `${base}/api/oauth.v2.access`,
    failNext(count: number, status: number, headers: Record<string, string> = {}, path?: string) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, ...(path !== undefined ? { path } : {}) }))];
    },
    install(ws: SlackWorkspace, opts: { rotation?: boolean } = {}) {
      return issue(ws, opts.rotation === true);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
