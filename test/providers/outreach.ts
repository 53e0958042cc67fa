// A fake Outreach API v2 over real HTTP: what the integration uses — `POST /api/v2/webhooks`
// {data: {type: "webhook", attributes: {url, resource, action, secret}}} answered 201 with the webhook resource,
// `GET /api/v2/webhooks/{id}` (attributes.active), `DELETE /api/v2/webhooks/{id}` (204) — refusing requests with a
// body that lack the JSON:API media type (415), as Outreach documents — and Outreach's side of webhooks: the
// JSON:API document POSTed with `Outreach-Webhook-ID` and `Outreach-Webhook-Signature`: hex HMAC-SHA256 of the raw
// body keyed with the webhook's secret, computed with node:crypto as Outreach documents it (there is no signing
// library). Errors are JSON:API `{errors: [{id, title, detail}]}`.
// Docs followed: https://developers.outreach.io/api/webhooks, https://developers.outreach.io/api/making-requests,
// https://developers.outreach.io/client-extensions/app-lifecycle-webhooks, https://developers.outreach.io/api/reference/tag/Webhook/.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

/** Resource → actions a webhook may name (https://developers.outreach.io/api/webhooks). */
export const OUTREACH_WEBHOOK_ACTIONS: Record<string, string[]> = {
  '*': ['*', 'created', 'updated', 'destroyed'],
  account: ['*', 'created', 'updated', 'destroyed'],
  call: ['*', 'created', 'updated', 'destroyed'],
  mailing: ['*', 'created', 'updated', 'destroyed', 'bounced', 'delivered', 'opened', 'replied'],
  opportunity: ['*', 'created', 'updated', 'destroyed'],
  prospect: ['*', 'created', 'updated', 'destroyed'],
  sequence: ['*', 'created', 'updated', 'destroyed'],
  sequenceState: ['*', 'created', 'updated', 'destroyed', 'advanced', 'finished'],
  task: ['*', 'created', 'updated', 'destroyed', 'completed'],
  import: ['*', 'created', 'finished'],
  user: ['*', 'created', 'updated'],
};

export interface OutreachHook {
  id: number;
  url: string;
  resource: string;
  action: string;
  secret: string | null;
  active: boolean;
}

export interface FakeOutreach {
  url: string;
  apiBaseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  validTokens: Set<string>;
  hooks: Map<number, OutreachHook>;
  deletedHooks: OutreachHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; contentType: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Send `payload` as Outreach does; `secret` overrides the webhook's. */
  deliver(id: number, payload: unknown, opts?: { secret?: string }): Promise<{ status: number; body: string; signature: string }>;
  close(): Promise<void>;
}

/** hex HMAC-SHA256 of the raw body, keyed with the webhook secret (Outreach "Validating webhook requests"). */
export function outreachSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

const jsonApiError = (id: string, title: string, detail: string) => ({ errors: [{ id, title, detail }] });

export async function startFakeOutreach(): Promise<FakeOutreach> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1;
  const state = {
    clientId: 'outreach-client-id',
    clientSecret: 'outreach-client-secret',
    validTokens: new Set<string>(),
    hooks: new Map<number, OutreachHook>(),
    deletedHooks: [] as OutreachHook[],
    requests: [] as FakeOutreach['requests'],
  };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/vnd.api+json; charset=utf-8', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const resourceOf = (h: OutreachHook) => ({
    type: 'webhook',
    id: h.id,
    attributes: { action: h.action, active: h.active, resource: h.resource, url: h.url, payloadVersion: 1, createdAt: '2025-03-01T00:00:00.000Z' },
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const hasBody = req.method === 'POST' || req.method === 'PATCH';
      const body = hasBody ? await readJsonOrFormBody(req) : {};
      const contentType = req.headers['content-type'];
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, contentType, body });
      const failure = failures.shift();
      if (failure) return send(res, failure.status, failure.body, failure.headers);
      const header = req.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !state.validTokens.has(header.slice(7))) {
        return send(res, 401, jsonApiError('unauthorized', 'Unauthorized', 'The access token is invalid or has expired.'));
      }
      if (hasBody && !(contentType ?? '').startsWith('application/vnd.api+json')) {
        return send(res, 415, jsonApiError('unsupportedMediaType', 'Unsupported Media Type', "Expected Content-Type header to be 'application/vnd.api+json'."));
      }
      if (req.method === 'POST' && url.pathname === '/api/v2/webhooks') {
        const data = body?.data;
        const a = data?.attributes ?? {};
        if (data?.type !== 'webhook') return send(res, 422, jsonApiError('validationError', 'Validation Error', 'data.type must be "webhook"'));
        if (typeof a.url !== 'string' || !/^https?:\/\//.test(a.url)) return send(res, 422, jsonApiError('validationError', 'Validation Error', 'url is invalid'));
        const resource = a.resource ?? '*';
        const action = a.action ?? '*';
        if (!OUTREACH_WEBHOOK_ACTIONS[resource]?.includes(action)) {
          return send(res, 422, jsonApiError('validationError', 'Validation Error', `${resource}/${action} is not a valid resource and action`));
        }
        if (a.secret !== undefined && (typeof a.secret !== 'string' || a.secret.length > 255)) {
          return send(res, 422, jsonApiError('validationError', 'Validation Error', 'secret is too long (maximum is 255 characters)'));
        }
        const hook: OutreachHook = { id: nextId++, url: a.url, resource, action, secret: a.secret ?? null, active: true };
        state.hooks.set(hook.id, hook);
        return send(res, 201, { data: resourceOf(hook) });
      }
      const one = /^\/api\/v2\/webhooks\/(\d+)$/.exec(url.pathname);
      if (one) {
        const hook = state.hooks.get(Number(one[1]));
        if (!hook) return send(res, 404, jsonApiError('resourceNotFound', 'Resource Not Found', `Could not find 'webhook' with ID '${one[1]}'.`));
        if (req.method === 'GET') return send(res, 200, { data: resourceOf(hook) });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204);
          return res.end();
        }
      }
      return send(res, 404, jsonApiError('resourceNotFound', 'Resource Not Found', 'No route'));
    })().catch((err: unknown) => send(res, 500, jsonApiError('internalServerError', 'Internal Server Error', String(err))));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/api/v2`,
    tokenUrl: `${base}/oauth/token`,
    failNext(count: number, status: number, body: unknown = jsonApiError('internalServerError', 'Internal Server Error', 'boom'), headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: number, payload: unknown, o: { secret?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake outreach: no webhook ${id}`);
      if (!hook.active) throw new Error(`fake outreach: webhook ${id} is inactive`);
      const body = JSON.stringify(payload);
      const secret = o.secret ?? hook.secret;
      const signature = secret === null ? '' : outreachSignature(secret, body);
      const res = await request(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.api+json', 'outreach-webhook-id': randomUUID(), ...(signature ? { 'outreach-webhook-signature': signature } : {}) },
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
}
