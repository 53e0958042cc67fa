// A fake Todoist over real HTTP:
// - the OAuth token endpoint (`POST /oauth/access_token`, form `client_id`, `client_secret`, `code`), answering
//   `{"access_token": …, "token_type": "Bearer"}` (Todoist tokens do not expire and come without a refresh token);
//   an unknown code or wrong client is `400 {"error": "invalid_grant"}`;
// - the API v1 route the integration calls, `GET /api/v1/user` with `Authorization: Bearer` → the user
//   (`id`, `email`, `full_name`, …); an unknown token is 401;
// - scripted failures (`failNext`): 429 with Retry-After, 5xx, 401;
// - Todoist's side of app webhooks: `send` POSTs one event body with `X-Todoist-Hmac-SHA256` = base64
//   HMAC-SHA256 of the raw body keyed with the app's client secret (computed here with node:crypto as Todoist
//   documents it, not with our SDK), `X-Todoist-Delivery-ID`, `User-Agent: Todoist-Webhooks`; a retry re-sends
//   the same body under the same delivery id.
//
// Docs followed: https://developer.todoist.com/api/v1/#tag/Webhooks,
// https://developer.todoist.com/api/v1/#tag/Authorization/OAuth, https://developer.todoist.com/api/v1/#tag/User
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface TodoistUser {
  id: string;
  email: string;
  full_name: string;
}

export interface FakeTodoist {
  url: string;
  apiBaseUrl: string;
  tokenUrl: string;
  authorizationUrl: string;
  clientId: string;
  clientSecret: string;
  tokens: Map<string, TodoistUser>;
  codes: Map<string, TodoistUser>;
  requests: Array<{ method: string; path: string; auth: string | undefined; form: Record<string, string> }>;
  /** Answer the next N requests (to `path` only, when given) with this status and headers. */
  failNext(count: number, status: number, headers?: Record<string, string>, path?: string): void;
  /** A token for a user, as an authorization would issue. */
  install(user: TodoistUser): string;
  close(): Promise<void>;
}

export interface SendOptions {
  /** The key to sign with; default the app's client secret. */
  secret?: string;
  deliveryId?: string;
  signatureOverride?: string;
  /** Leave the signature header out. */
  unsigned?: boolean;
}

/** Base64 HMAC-SHA256 of the raw body keyed with the client secret — Todoist's documented webhook signature. */
export function todoistSignature(clientSecret: string, body: string | Buffer): string {
  return createHmac('sha256', clientSecret).update(body).digest('base64');
}

/** A webhook body as Todoist sends it, for `user` (the receiving user) with `event_data`. */
export function webhookBody(eventName: string, userId: string, eventData: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_name: eventName,
    user_id: userId,
    event_data: eventData,
    initiator: { id: userId, email: `${userId}@example.com`, full_name: 'Someone', image_id: null, is_premium: false },
    triggered_at: new Date().toISOString(),
    version: '10',
    ...extra,
  };
}

export async function startFakeTodoist(): Promise<FakeTodoist> {
  let failures: Array<{ status: number; headers: Record<string, string>; path?: string }> = [];
  const state = {
    clientId: 'fake0todoist0client0id',
    clientSecret: 'fake-todoist-client-secret-0123456789',
    tokens: new Map<string, TodoistUser>(),
    codes: new Map<string, TodoistUser>(),
    requests: [] as FakeTodoist['requests'],
  };
  const issue = (user: TodoistUser) => {
    const token = randomBytes(20).toString('hex');
    state.tokens.set(token, user);
    return token;
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

  const server = createServer((req, res) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const form = await readForm(req);
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, form });
      const at = failures.findIndex((f) => f.path === undefined || f.path === url.pathname);
      const failure = at >= 0 ? failures.splice(at, 1)[0] : undefined;
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'text/plain', ...failure.headers });
        return res.end(failure.status === 429 ? 'Too Many Requests' : failure.status === 401 ? 'Unauthorized' : 'Service Unavailable');
      }
      if (req.method === 'POST' && url.pathname === '/oauth/access_token') {
        const user = state.codes.get(form.code ?? '');
        if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret || !user) return json(400, { error: 'invalid_grant' });
        state.codes.delete(form.code ?? '');
        return json(200, { access_token: issue(user), token_type: 'Bearer' });
      }
      if (req.method === 'GET' && url.pathname === '/api/v1/user') {
        const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
        const user = state.tokens.get(token);
        if (!user) {
          res.writeHead(401, { 'content-type': 'text/plain' });
          return res.end('Unauthorized');
        }
        return json(200, { ...user, inbox_project_id: 'inbox0000000001', is_premium: false, tz_info: { timezone: 'UTC' } });
      }
      json(404, { error: 'Not found' });
    })().catch((err: unknown) => json(500, { error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/api/v1`,
    tokenUrl: `${base}/oauth/access_token`,
    authorizationUrl: `${base}/oauth/authorize`,
    failNext(count: number, status: number, headers: Record<string, string> = {}, path?: string) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers, ...(path !== undefined ? { path } : {}) }))];
    },
    install: issue,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

/** POSTs one webhook event as Todoist does: JSON, signed over the exact bytes sent. */
export async function sendTodoistWebhook(url: string, body: unknown, clientSecret: string, opts: SendOptions = {}): Promise<{ status: number; body: string; deliveryId: string }> {
  const raw = JSON.stringify(body);
  const deliveryId = opts.deliveryId ?? randomUUID();
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Todoist-Webhooks', 'x-todoist-delivery-id': deliveryId };
  if (!opts.unsigned) headers['x-todoist-hmac-sha256'] = opts.signatureOverride ?? todoistSignature(opts.secret ?? clientSecret, raw);
  const res = await request(url, { method: 'POST', headers, body: raw });
  return { status: res.statusCode, body: await res.body.text(), deliveryId };
}
