// A fake monday.com over real HTTP: the GraphQL endpoint (`POST /v2`, `API-Version` header recorded) with the
// operations the integration uses — `create_webhook(board_id, url, event, config)` (which first POSTs the
// URL-verification challenge `{"challenge": "…"}` to the URL and creates nothing unless the same JSON comes
// back), `delete_webhook(id)`, `webhooks(board_id)` and `me` — monday's error shapes (HTTP 200 with
// `errors[].extensions.code`, COMPLEXITY_BUDGET_EXHAUSTED with `retry_in_seconds`, bare HTTP statuses), and
// webhook requests `{"event": {…}}` carrying `Authorization: <JWT>` signed HS256 with the app's Signing
// Secret. A retry re-sends the same body (same triggerUuid) with a fresh token.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { signJwt } from '../../src/sdk/index.js';

export interface FakeMondayWebhook {
  id: string;
  boardId: string;
  url: string;
  event: string;
  config: string | null;
}

export interface FakeMonday {
  url: string;
  accountId: number;
  boards: Set<string>;
  webhooks: Map<string, FakeMondayWebhook>;
  /** Valid access tokens (sent as `Authorization: <token>` or `Bearer <token>`); others get HTTP 401. */
  tokens: Set<string>;
  /** The app's Signing Secret: what webhook JWTs are signed with. */
  signingSecret: string;
  requests: Array<{ operation: string; variables: Record<string, unknown>; apiVersion: string | undefined; auth: string | undefined }>;
  /** Every challenge sent and what came back. */
  challenges: Array<{ url: string; challenge: string; status: number; answer: string }>;
  /** Answer the next GraphQL request with these GraphQL errors (HTTP `status`, default 200). */
  errorNext(errors: unknown[], status?: number, headers?: Record<string, string>): void;
  /** Answer the next request with a bare HTTP status. */
  failNext(status: number, headers?: Record<string, string>): void;
  /** Send a webhook request for `event` to the webhook's URL. */
  deliver(webhookId: string, body: unknown, opts?: { secret?: string; authorization?: string | null }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** A GraphQL variable as text (ids may be sent as numbers). */
function str(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export async function startFakeMonday(): Promise<FakeMonday> {
  const queued: Array<{ status: number; headers: Record<string, string>; body?: unknown }> = [];
  let nextId = 200_000_000;
  const state = {
    accountId: 1825529,
    boards: new Set(['1771812698']),
    webhooks: new Map<string, FakeMondayWebhook>(),
    tokens: new Set(['monday_oauth_valid']),
    signingSecret: `sign_${randomBytes(12).toString('hex')}`,
    requests: [] as FakeMonday['requests'],
    challenges: [] as FakeMonday['challenges'],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const appError = (res: ServerResponse, message: string, code: string, statusCode: number) =>
    json(res, 200, { data: null, errors: [{ message, extensions: { code, status_code: statusCode, error_data: {} } }], account_id: state.accountId });
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const challenge = async (url: string): Promise<boolean> => {
    const token = randomBytes(24).toString('base64url');
    try {
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challenge: token }) });
      const answer = await res.body.text();
      state.challenges.push({ url, challenge: token, status: res.statusCode, answer });
      if (res.statusCode !== 200) return false;
      return (JSON.parse(answer) as { challenge?: unknown }).challenge === token;
    } catch {
      return false;
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = await readBody(req);
      if (req.method !== 'POST' || url.pathname !== '/v2') return json(res, 404, { error_message: 'Not found' });
      const gql = JSON.parse(text) as { query?: string; variables?: Record<string, unknown> };
      const query = gql.query ?? '';
      const variables = gql.variables ?? {};
      const operation = /create_webhook/.test(query) ? 'create_webhook'
        : /delete_webhook/.test(query) ? 'delete_webhook'
          : /\bwebhooks\s*\(/.test(query) ? 'webhooks'
            : /\bme\b/.test(query) ? 'me' : 'unknown';
      const apiVersion = req.headers['api-version'] as string | undefined;
      state.requests.push({ operation, variables, apiVersion, auth: req.headers.authorization });

      const q = queued.shift();
      if (q) {
        res.writeHead(q.status, { 'content-type': 'application/json', ...q.headers });
        res.end(q.body === undefined ? '' : JSON.stringify(q.body));
        return;
      }
      const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      if (!state.tokens.has(token)) return json(res, 401, { errors: [{ message: 'Not Authenticated' }] });

      if (operation === 'me') {
        return json(res, 200, { data: { me: { id: '4012689', name: 'Jane Doe', account: { id: state.accountId, name: 'Company', slug: 'company' } } } });
      }
      if (operation === 'create_webhook') {
        const boardId = str(variables.boardId);
        if (!state.boards.has(boardId)) return appError(res, `Board not found: ${boardId}`, 'RESOURCE_NOT_FOUND', 404);
        const hookUrl = str(variables.url);
        if (!(await challenge(hookUrl))) return appError(res, 'Failed to communicate with URL provided.', 'InvalidUrlException', 400);
        const hook: FakeMondayWebhook = {
          id: String(nextId++), boardId, url: hookUrl, event: str(variables.event),
          config: typeof variables.config === 'string' ? variables.config : null,
        };
        state.webhooks.set(hook.id, hook);
        return json(res, 200, { data: { create_webhook: { id: hook.id, board_id: Number(boardId) } } });
      }
      if (operation === 'delete_webhook') {
        const hook = state.webhooks.get(str(variables.id));
        if (!hook) return appError(res, 'Webhook not found', 'RESOURCE_NOT_FOUND', 404);
        state.webhooks.delete(hook.id);
        return json(res, 200, { data: { delete_webhook: { id: hook.id, board_id: Number(hook.boardId) } } });
      }
      if (operation === 'webhooks') {
        const boardId = str(variables.boardId);
        const list = [...state.webhooks.values()].filter((h) => h.boardId === boardId)
          .map((h) => ({ id: h.id, event: h.event, board_id: Number(h.boardId), config: h.config }));
        return json(res, 200, { data: { webhooks: list } });
      }
      return appError(res, 'Unknown operation', 'BAD_REQUEST', 400);
    })().catch((err: unknown) => json(res, 500, { error_message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    ...state,
    errorNext(errors, status = 200, headers = {}) {
      queued.push({ status, headers, body: { data: null, errors } });
    },
    failNext(status, headers = {}) {
      queued.push({ status, headers });
    },
    async deliver(webhookId, body, opts = {}) {
      const hook = state.webhooks.get(webhookId);
      if (!hook) throw new Error(`no webhook ${webhookId}`);
      const iat = Math.floor(Date.now() / 1000);
      const authorization = opts.authorization !== undefined
        ? opts.authorization
        : signJwt({ accountId: state.accountId, userId: 4012689, aud: hook.url, iat, exp: iat + 300 }, opts.secret ?? state.signingSecret);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization !== null) headers.authorization = authorization;
      const res = await request(hook.url, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.statusCode, body: await res.body.text() };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
