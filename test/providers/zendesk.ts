// A fake Zendesk account over real HTTP: its base URL is the account's origin (what https://{subdomain}.zendesk.com
// is in production). What the integration uses — `GET /api/v2/users/me` (with the user's `url` on this host),
// `POST /api/v2/webhooks` (validation of name, endpoint, http_method POST, request_format json, status and the
// `zen:event-type:*` subscriptions; 201 `{webhook}`), `GET /api/v2/webhooks/{id}`, `GET /api/v2/webhooks/{id}/signing_secret`
// (`{signing_secret: {algorithm, secret}}`, a secret Zendesk chose), `DELETE /api/v2/webhooks/{id}` (204, 404 when
// unknown) — and Zendesk's side of event-subscribed webhooks: the event POSTed as JSON with
// `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp + body)) and
// `X-Zendesk-Webhook-Signature-Timestamp` (RFC 3339), signed with the SDK's signRequest. Errors answer
// `{errors: [{code, title, detail}]}` (Webhooks API) or `{error, description}` (401); 429 carries Retry-After.
// Auth: `Bearer <OAuth token>` or an API token as `Basic base64("{email}/token:{api_token}")`.
//
// Docs followed: https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/,
// https://developer.zendesk.com/documentation/webhooks/creating-and-monitoring-webhooks/,
// https://developer.zendesk.com/documentation/webhooks/verifying/,
// https://developer.zendesk.com/api-reference/webhooks/event-types/webhook-event-types/,
// https://support.zendesk.com/hc/en-us/articles/4408831452954 (API token authentication)
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { ZENDESK_SIGNATURE } from '../../src/integrations/zendesk/webhooks.js';
import { signRequest } from '../../src/sdk/index.js';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface ZendeskHook {
  id: string;
  name: string;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: string;
  request_format: string;
  subscriptions: string[];
  created_at: string;
  /** Chosen by Zendesk, readable through the signing_secret endpoint only. */
  secret: string;
}

/** The event types of event-subscribed webhooks this fake accepts (a subset of Zendesk's list). */
export const KNOWN_EVENT_TYPES = new Set([
  'zen:event-type:ticket.created', 'zen:event-type:ticket.status_changed', 'zen:event-type:ticket.comment_added',
  'zen:event-type:ticket.priority_changed', 'zen:event-type:user.created', 'zen:event-type:user.deleted',
  'zen:event-type:organization.created', 'zen:event-type:organization.deleted',
]);

export interface FakeZendesk {
  /** The account's origin (https://{subdomain}.zendesk.com in production). */
  url: string;
  accountId: number;
  userId: number;
  validTokens: Set<string>;
  /** API tokens as `{email}/token:{api_token}`, the decoded Basic credentials Zendesk accepts. */
  apiTokens: Set<string>;
  hooks: Map<string, ZendeskHook>;
  deletedHooks: ZendeskHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>, path?: RegExp): void;
  /**
   * POST an event to a webhook's endpoint as Zendesk does, signed with the webhook's secret at `now` (a repeat of a
   * delivery is the same body, signed again). `secret` forges with another key; `headers` overrides what is sent.
   */
  deliver(id: string, body: unknown, opts?: { secret?: string; now?: number; headers?: Record<string, string>; rawBody?: string }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startFakeZendesk(): Promise<FakeZendesk> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string>; path?: RegExp }> = [];
  const state = {
    accountId: 10973248,
    userId: 6596848315902,
    validTokens: new Set<string>(),
    apiTokens: new Set<string>(),
    hooks: new Map<string, ZendeskHook>(),
    deletedHooks: [] as ZendeskHook[],
    requests: [] as FakeZendesk['requests'],
  };
  let base = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, detail: string) => json(res, 400, { errors: [{ code: 'InvalidValue', title: 'Invalid value', detail }] });
  const view = (h: ZendeskHook) => {
    const { secret: _secret, ...rest } = h;
    return { ...rest, created_by: String(state.userId) };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });

      const at = failures.findIndex((f) => !f.path || f.path.test(url.pathname));
      if (at >= 0) {
        const [failure] = failures.splice(at, 1);
        return json(res, failure!.status, failure!.body, failure!.headers);
      }
      const auth = req.headers.authorization ?? '';
      const ok = auth.startsWith('Bearer ')
        ? state.validTokens.has(auth.slice(7))
        : auth.startsWith('Basic ') && state.apiTokens.has(Buffer.from(auth.slice(6), 'base64').toString());
      if (!ok) return json(res, 401, { error: "Couldn't authenticate you" });

      if (req.method === 'GET' && url.pathname === '/api/v2/users/me') {
        return json(res, 200, { user: { id: state.userId, url: `${base}/api/v2/users/${state.userId}.json`, name: 'Agent Smith', email: 'smith@acme.example', role: 'admin' } });
      }
      if (req.method === 'POST' && url.pathname === '/api/v2/webhooks') {
        const w = body?.webhook;
        if (!w || typeof w !== 'object') return invalid(res, 'webhook is required');
        if (typeof w.name !== 'string' || w.name === '') return invalid(res, 'name: cannot be blank');
        if (typeof w.endpoint !== 'string' || !/^https?:\/\//.test(w.endpoint)) return invalid(res, 'endpoint: is not a valid URL');
        if (w.status !== 'active' && w.status !== 'inactive') return invalid(res, 'status: must be active or inactive');
        if (!Array.isArray(w.subscriptions) || w.subscriptions.length === 0) return invalid(res, 'subscriptions: cannot be blank');
        for (const s of w.subscriptions) if (!KNOWN_EVENT_TYPES.has(s)) return invalid(res, `subscriptions: ${String(s)} is not a valid event type`);
        // Webhooks subscribed to Zendesk events must be POST + json.
        if (w.http_method !== 'POST') return invalid(res, 'http_method: must be POST for event subscriptions');
        if (w.request_format !== 'json') return invalid(res, 'request_format: must be json for event subscriptions');
        const hook: ZendeskHook = {
          id: `01${randomBytes(12).toString('hex').toUpperCase()}`, name: w.name, status: w.status, endpoint: w.endpoint, http_method: w.http_method,
          request_format: w.request_format, subscriptions: w.subscriptions, created_at: new Date().toISOString(), secret: randomBytes(32).toString('base64url'),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { webhook: view(hook) });
      }
      const secret = /^\/api\/v2\/webhooks\/([^/]+)\/signing_secret$/.exec(url.pathname);
      if (req.method === 'GET' && secret) {
        const hook = state.hooks.get(secret[1]!);
        if (!hook) return json(res, 404, { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found' }] });
        return json(res, 200, { signing_secret: { algorithm: 'sha256', secret: hook.secret } });
      }
      const one = /^\/api\/v2\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (one) {
        const hook = state.hooks.get(one[1]!);
        if (!hook) return json(res, 404, { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found' }] });
        if (req.method === 'GET') return json(res, 200, { webhook: view(hook) });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 204, undefined);
        }
      }
      return json(res, 404, { error: 'InvalidEndpoint', description: 'Not found' });
    })().catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeZendesk = Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { error: 'InternalError', description: 'Something went wrong' }, headers: Record<string, string> = {}, path?: RegExp) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers, ...(path ? { path } : {}) }))];
    },
    async deliver(id: string, payload: unknown, o: { secret?: string; now?: number; headers?: Record<string, string>; rawBody?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake zendesk: no webhook ${id}`);
      if (hook.status !== 'active') throw new Error(`fake zendesk: webhook ${id} is inactive; Zendesk sends nothing to it`);
      const text = o.rawBody ?? JSON.stringify(payload);
      const path = new URL(hook.endpoint).pathname;
      const signed = signRequest(ZENDESK_SIGNATURE, { method: 'POST', url: path, headers: {}, rawBody: Buffer.from(text) }, { secret: o.secret ?? hook.secret }, o.now ?? Date.now());
      const res = await request(hook.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', 'user-agent': 'Zendesk Webhook', 'x-zendesk-account-id': String(state.accountId),
          'x-zendesk-webhook-id': hook.id, 'x-zendesk-webhook-invocation-id': randomBytes(8).toString('hex'), ...signed, ...o.headers,
        },
        body: text,
      });
      return { status: res.statusCode, text: await res.body.text() };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
