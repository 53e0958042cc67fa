// A fake Box (Platform API 2.0) over real HTTP: what the integration uses — the OAuth token endpoint
// (`POST /oauth2/token`, client_id/client_secret in the form body, authorization codes and single-use rotating
// refresh tokens), `GET /2.0/users/me`, `POST /2.0/webhooks` (target/address/triggers validation, 400 for the
// root folder, 404 for a folder the user cannot see, 403 without the Manage Webhooks scope, 409 for a second
// webhook on the same item for this app and user — whatever its address or triggers), `GET /2.0/webhooks`
// (mini webhooks, marker paging), `GET /2.0/webhooks/{id}`, `DELETE /2.0/webhooks/{id}` (204, 404) — and Box's
// side of webhooks: deliveries carrying BOX-DELIVERY-ID (new on every retry), BOX-DELIVERY-TIMESTAMP (RFC 3339
// with the offset, like Box's `2016-07-11T10:10:33-07:00`), and BOX-SIGNATURE-PRIMARY / -SECONDARY = base64
// HMAC-SHA256(key, raw body bytes then timestamp bytes), computed with node:crypto as Box documents it (the
// computation reproduces Box's published SDK test vector in the tests). Errors use Box's ClientError body;
// 429 carries Retry-After.
//
// Docs followed: https://developer.box.com/reference/post-webhooks/, …/get-webhooks/, …/get-webhooks-id/,
// …/delete-webhooks-id/, https://developer.box.com/guides/webhooks/v2/ (payload, headers, retries),
// https://developer.box.com/guides/webhooks/v2/signatures-v2/, https://developer.box.com/guides/webhooks/v2/limitations-v2/,
// https://developer.box.com/guides/authentication/tokens/refresh/, https://developer.box.com/guides/api-calls/permissions-and-errors/rate-limits/
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface BoxHook {
  id: string;
  target: { id: string; type: 'file' | 'folder' };
  address: string;
  triggers: string[];
  created_at: string;
}

export interface BoxDelivery {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface DeliverOptions {
  /** The event id (kept by Box across retries); a new one by default. */
  eventId?: string;
  /** BOX-DELIVERY-TIMESTAMP; now, written with Box's Pacific offset, by default. */
  timestamp?: string;
  /** Keys to sign with instead of the app's (forgeries). */
  primaryKey?: string;
  secondaryKey?: string;
  /** Leave a signature header out. */
  omit?: Array<'primary' | 'secondary'>;
}

export interface FakeBox {
  url: string;
  /** The API base (`…/2.0`), what the integration's apiBaseUrl points at. */
  apiUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  userId: string;
  /** The app's signature keys (Developer Console → Webhooks → Manage signature keys). */
  primaryKey: string;
  secondaryKey: string;
  /** Folders the connected user can see. */
  folders: Set<string>;
  /** Whether the app has the Manage Webhooks scope. */
  manageWebhooks: boolean;
  validTokens: Set<string>;
  /** Single use: a refresh consumes the token and issues a new one. */
  refreshTokens: Set<string>;
  codes: Set<string>;
  hooks: Map<string, BoxHook>;
  deletedHooks: BoxHook[];
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(retryAfterSeconds: number): void;
  /** Send a webhook event to a webhook's address as Box does; returns what was sent and the answer. */
  deliver(hookId: string, event: Record<string, unknown>, opts?: DeliverOptions): Promise<BoxDelivery>;
  close(): Promise<void>;
}

/** base64 HMAC-SHA256(key, body bytes followed by timestamp bytes): Box's signature. */
export function boxSignature(key: string, body: string, timestamp: string): string {
  return createHmac('sha256', key).update(body).update(timestamp).digest('base64');
}

/** An RFC 3339 timestamp of `ms` written with a fixed offset (Box writes its delivery times in Pacific time). */
export function boxTimestamp(ms: number, offsetMinutes = -480): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const TRIGGERS = new Set([
  'COLLABORATION.CREATED', 'COLLABORATION.ACCEPTED', 'COLLABORATION.REJECTED', 'COLLABORATION.REMOVED', 'COLLABORATION.UPDATED',
  'COMMENT.CREATED', 'COMMENT.UPDATED', 'COMMENT.DELETED', 'FILE.UPLOADED', 'FILE.PREVIEWED', 'FILE.DOWNLOADED', 'FILE.TRASHED',
  'FILE.DELETED', 'FILE.RESTORED', 'FILE.COPIED', 'FILE.MOVED', 'FILE.LOCKED', 'FILE.UNLOCKED', 'FILE.RENAMED', 'FOLDER.CREATED',
  'FOLDER.RENAMED', 'FOLDER.DOWNLOADED', 'FOLDER.RESTORED', 'FOLDER.DELETED', 'FOLDER.COPIED', 'FOLDER.MOVED', 'FOLDER.TRASHED',
  'METADATA_INSTANCE.CREATED', 'METADATA_INSTANCE.UPDATED', 'METADATA_INSTANCE.DELETED', 'SHARED_LINK.DELETED', 'SHARED_LINK.CREATED',
  'SHARED_LINK.UPDATED', 'TASK_ASSIGNMENT.CREATED', 'TASK_ASSIGNMENT.UPDATED',
]);

export async function startFakeBox(opts: { now?: () => number } = {}): Promise<FakeBox> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextHookId = 1_000_001;
  const state = {
    clientId: 'ly1nj6n11vionaie65emwzk575hnnmrk',
    clientSecret: 'box-client-secret',
    userId: '226067247',
    primaryKey: 'SamplePrimaryKey-4f2c',
    secondaryKey: 'SampleSecondaryKey-9b1e',
    folders: new Set<string>(['8290188973', '8290186265']),
    manageWebhooks: true,
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    codes: new Set<string>(),
    hooks: new Map<string, BoxHook>(),
    deletedHooks: [] as BoxHook[],
    requests: [] as FakeBox['requests'],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  /** Box's ClientError. */
  const error = (res: ServerResponse, status: number, code: string, message: string, contextInfo?: unknown) =>
    json(res, status, { type: 'error', status, code, message, ...(contextInfo ? { context_info: contextInfo } : {}), help_url: 'http://developers.box.com/docs/#errors', request_id: randomBytes(6).toString('hex') });
  const webhookOf = (h: BoxHook) => ({
    id: h.id, type: 'webhook', target: h.target, created_by: { type: 'user', id: state.userId, name: 'John Q. Developer', login: 'johnq@dev.name' },
    created_at: h.created_at, address: h.address, triggers: h.triggers,
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization, body });

      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        // OAuth 2.0 without SDKs: client_id and client_secret in the form body.
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret) {
          return json(res, 400, { error: 'invalid_client', error_description: 'The client credentials are invalid' });
        }
        const granted = (body.grant_type === 'authorization_code' && state.codes.delete(body.code))
          || (body.grant_type === 'refresh_token' && state.refreshTokens.delete(body.refresh_token));
        if (!granted) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
        const accessToken = randomBytes(24).toString('base64url');
        const refreshToken = randomBytes(48).toString('base64url');
        state.validTokens.add(accessToken);
        state.refreshTokens.add(refreshToken);
        return json(res, 200, { access_token: accessToken, expires_in: 3600, token_type: 'bearer', refresh_token: refreshToken, restricted_to: [] });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."' });
        return res.end();
      }

      if (req.method === 'GET' && url.pathname === '/2.0/users/me') {
        return json(res, 200, { type: 'user', id: state.userId, name: 'John Q. Developer', login: 'johnq@dev.name', status: 'active' });
      }
      if (req.method === 'POST' && url.pathname === '/2.0/webhooks') {
        if (!state.manageWebhooks) return error(res, 403, 'insufficient_scope', 'The request requires higher privileges than provided by the access token.');
        const target = body.target as { id?: unknown; type?: unknown } | undefined;
        if (!target || typeof target.id !== 'string' || (target.type !== 'file' && target.type !== 'folder')) {
          return error(res, 400, 'bad_request', 'Bad request', { errors: [{ reason: 'invalid_parameter', name: 'target', message: "Invalid value for 'target'." }] });
        }
        if (typeof body.address !== 'string' || !/^https?:\/\//.test(body.address)) {
          return error(res, 400, 'bad_request', 'Bad request', { errors: [{ reason: 'invalid_parameter', name: 'address', message: "Invalid value for 'address'." }] });
        }
        if (!Array.isArray(body.triggers) || body.triggers.length === 0 || body.triggers.some((t: unknown) => !TRIGGERS.has(String(t)))) {
          return error(res, 400, 'bad_request', 'Bad request', { errors: [{ reason: 'invalid_parameter', name: 'triggers', message: "Invalid value for 'triggers'." }] });
        }
        // V2 webhooks cannot be created on the root folder (limitations-v2); Box's exact answer is not documented.
        if (target.type === 'folder' && target.id === '0') return error(res, 400, 'bad_request', 'Webhooks cannot be created on the root folder');
        if (target.type === 'folder' && !state.folders.has(target.id)) return error(res, 404, 'not_found', 'Not Found');
        // One webhook per item per application per user, whatever its address or triggers.
        if ([...state.hooks.values()].some((h) => h.target.type === target.type && h.target.id === target.id)) {
          return error(res, 409, 'conflict', 'Webhook:' + target.id + ' already exists on the specified target.');
        }
        const hook: BoxHook = {
          id: String(nextHookId++), target: { id: target.id, type: target.type }, address: body.address, triggers: body.triggers, created_at: boxTimestamp(now()),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, webhookOf(hook));
      }
      if (req.method === 'GET' && url.pathname === '/2.0/webhooks') {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), 1000);
        const all = [...state.hooks.values()];
        const start = Number(url.searchParams.get('marker') ?? 0);
        const page = all.slice(start, start + limit);
        return json(res, 200, {
          limit, entries: page.map((h) => ({ id: h.id, type: 'webhook', target: h.target })),
          ...(start + limit < all.length ? { next_marker: String(start + limit) } : {}),
        });
      }
      const one = /^\/2\.0\/webhooks\/([0-9]+)$/.exec(url.pathname);
      if (one && (req.method === 'GET' || req.method === 'DELETE')) {
        const hook = state.hooks.get(one[1]!);
        if (!hook) return error(res, 404, 'not_found', 'Not Found');
        if (req.method === 'GET') return json(res, 200, webhookOf(hook));
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        res.writeHead(204);
        return res.end();
      }
      return error(res, 404, 'not_found', 'Not Found');
    })().catch((err: unknown) => error(res, 500, 'internal_server_error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeBox = Object.assign(state, {
    url: base,
    apiUrl: `${base}/2.0`,
    tokenUrl: `${base}/oauth2/token`,
    failNext(count: number, status: number, body: unknown = { type: 'error', status, code: 'internal_server_error', message: 'Internal Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(retryAfterSeconds: number) {
      failures.push({
        status: 429,
        body: { type: 'error', status: 429, code: 'rate_limit_exceeded', help_url: 'http://developers.box.com/docs/#errors', message: 'Request rate limit exceeded, please try again later', request_id: 'abcdef123456' },
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    },
    async deliver(hookId: string, event: Record<string, unknown>, o: DeliverOptions = {}) {
      const hook = state.hooks.get(hookId);
      if (!hook) throw new Error(`fake box: no webhook ${hookId}`);
      const body = JSON.stringify({ ...event, id: o.eventId ?? randomUUID(), webhook: { id: hook.id, type: 'webhook' } });
      const timestamp = o.timestamp ?? boxTimestamp(now());
      const omit = new Set(o.omit ?? []);
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=UTF-8',
        'user-agent': 'Box-WH-Client/0.1',
        'box-delivery-id': randomUUID(),
        'box-delivery-timestamp': timestamp,
        'box-signature-version': '1',
        'box-signature-algorithm': 'HmacSHA256',
        ...(omit.has('primary') ? {} : { 'box-signature-primary': boxSignature(o.primaryKey ?? state.primaryKey, body, timestamp) }),
        ...(omit.has('secondary') ? {} : { 'box-signature-secondary': boxSignature(o.secondaryKey ?? state.secondaryKey, body, timestamp) }),
      };
      const res = await request(hook.address, { method: 'POST', headers, body });
      await res.body.text();
      return { status: res.statusCode, body, headers };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
