// A fake MailerLite (new API) over real HTTP: what the integration uses — `POST /api/webhooks`
// ({name, events, url, enabled, batchable} → 201 `{data: {id, name, url, events, enabled, secret, batchable, …}}`),
// `GET /api/webhooks/{id}` (`{data}`, 404 when unknown), `DELETE /api/webhooks/{id}` (204; 404 when unknown) —
// behind `Authorization: Bearer <token>` (401 `{"message": "Unauthenticated."}`); a 422 answers
// `{message, errors: {field: [..]}}`. And MailerLite's side of webhooks: one event per POST (non-batched) with the
// `Signature` header = hex HMAC-SHA256 of the raw JSON body keyed with the webhook's secret — computed here with
// node:crypto, independently of the SDK's signer.
//
// Docs followed: https://developers.mailerlite.com/docs/webhooks, https://developers.mailerlite.com/docs/ (auth,
// validation errors, rate limits).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const MAILERLITE_EVENTS = [
  'subscriber.created', 'subscriber.updated', 'subscriber.unsubscribed', 'subscriber.added_to_group', 'subscriber.removed_from_group',
  'subscriber.bounced', 'subscriber.automation_triggered', 'subscriber.automation_completed', 'subscriber.spam_reported',
  'subscriber.deleted', 'campaign.sent', 'campaign.click', 'campaign.open',
];

export interface MailerLiteHook {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  batchable: boolean;
  secret: string;
  created_at: string;
  updated_at: string;
}

export interface FakeMailerLite {
  apiBaseUrl: string;
  apiToken: string;
  hooks: Map<string, MailerLiteHook>;
  deletedHooks: MailerLiteHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string): string;
  /** POST one event to the hook's URL, signed with its secret (or `secret`). */
  deliver(id: string, payload: unknown, opts?: { secret?: string; headers?: Record<string, string>; rawBody?: string }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const stamp = () => new Date().toISOString().replace('T', ' ').slice(0, 19);

export async function startFakeMailerLite(): Promise<FakeMailerLite> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let seq = 68079566047937000n;
  const state = {
    apiToken: `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('hex')}`,
    hooks: new Map<string, MailerLiteHook>(),
    deletedHooks: [] as MailerLiteHook[],
    requests: [] as FakeMailerLite['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(status === 204 ? undefined : JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers.authorization !== `Bearer ${state.apiToken}`) return json(res, 401, { message: 'Unauthenticated.' });
      if (req.method === 'POST' && url.pathname === '/api/webhooks') {
        const errors: Record<string, string[]> = {};
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) errors.url = ['The url must be a valid URL.'];
        if (!Array.isArray(body.events) || body.events.length === 0) errors.events = ['The events field is required.'];
        else if (!body.events.every((e: unknown) => typeof e === 'string' && MAILERLITE_EVENTS.includes(e))) errors.events = ['The selected events is invalid.'];
        if (Object.keys(errors).length > 0) return json(res, 422, { message: 'The given data was invalid.', errors });
        const hook: MailerLiteHook = {
          id: String(seq++), name: typeof body.name === 'string' ? body.name : '', url: body.url, events: body.events,
          enabled: body.enabled !== false, batchable: body.batchable === true, secret: randomBytes(5).toString('base64url'),
          created_at: stamp(), updated_at: stamp(),
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { data: hook });
      }
      const one = /^\/api\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (one) {
        const hook = state.hooks.get(decodeURIComponent(one[1]!));
        if (!hook) return json(res, 404, { message: 'Resource not found.' });
        if (req.method === 'GET') return json(res, 200, { data: hook });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 204, null);
        }
      }
      return json(res, 404, { message: 'Resource not found.' });
    })().catch((err: unknown) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

  return Object.assign(state, {
    apiBaseUrl: `${base}/api`,
    failNext(count: number, status: number, body: unknown = { message: 'Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, payload: unknown, o: { secret?: string; headers?: Record<string, string>; rawBody?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake mailerlite: no webhook ${id}`);
      const body = o.rawBody ?? JSON.stringify(payload);
      const res = await request(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', signature: sign(o.secret ?? hook.secret, body), ...o.headers },
        body,
      });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
