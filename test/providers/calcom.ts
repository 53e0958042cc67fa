// A fake Cal.com API v2 over real HTTP: what the integration uses — `GET /v2/me`, `POST /v2/webhooks` and
// `POST /v2/event-types/{eventTypeId}/webhooks` ({subscriberUrl, triggers, active, secret?, payloadTemplate?} → 201
// `{status: "success", data: {id, subscriberUrl, triggers, active, payloadTemplate, secret}}`), `GET` and `DELETE`
// of `…/webhooks/{id}` (404 when unknown or another event type's) — behind `Authorization: Bearer <cal_live_ key>`;
// errors answer `{status: "error", error: {code, message}}`. And Cal.com's side of webhooks: the body
// `{triggerEvent, createdAt, payload}` POSTed with `X-Cal-Signature-256` = hex HMAC-SHA256 of the body keyed with
// the webhook's secret ("no-secret-provided" without one), computed here with node:crypto, independently of the
// SDK's signer.
//
// Docs followed: https://cal.com/docs/api-reference/v2/webhooks/create-a-webhook,
// https://cal.com/docs/developing/guides/automation/webhooks
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface CalcomHook {
  id: string;
  subscriberUrl: string;
  triggers: string[];
  active: boolean;
  secret: string | null;
  payloadTemplate: string | null;
  eventTypeId: number | null;
}

export interface FakeCalcom {
  apiBaseUrl: string;
  apiKey: string;
  userId: number;
  /** Event types of the key's user. */
  eventTypeIds: number[];
  hooks: Map<string, CalcomHook>;
  deletedHooks: CalcomHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string): string;
  /** POST the body to the hook's URL, signed with its secret (or `secret`), as Cal.com does. */
  deliver(id: string, body: unknown, opts?: { secret?: string; headers?: Record<string, string> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

export async function startFakeCalcom(): Promise<FakeCalcom> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    apiKey: 'cal_live_3f0c2b7a9d1e4f6a8b5c0d2e7f9a1b3c',
    userId: 42,
    eventTypeIds: [7, 8],
    hooks: new Map<string, CalcomHook>(),
    deletedHooks: [] as CalcomHook[],
    requests: [] as FakeCalcom['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { status: 'error', timestamp: new Date().toISOString(), path: '', error: { code, message } });
  const view = (h: CalcomHook) => ({ id: h.id, subscriberUrl: h.subscriberUrl, triggers: h.triggers, active: h.active, payloadTemplate: h.payloadTemplate, ...(h.eventTypeId ? { eventTypeId: h.eventTypeId } : { userId: state.userId }) });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PATCH' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers.authorization !== `Bearer ${state.apiKey}`) return error(res, 401, 'UnauthorizedException', 'Invalid Access Token.');
      if (req.method === 'GET' && url.pathname === '/v2/me') {
        return json(res, 200, { status: 'success', data: { id: state.userId, username: 'pro', email: 'pro@example.com', timeZone: 'Asia/Kolkata' } });
      }
      const m = /^\/v2(?:\/event-types\/(\d+))?\/webhooks(?:\/([^/]+))?$/.exec(url.pathname);
      if (!m) return error(res, 404, 'NotFoundException', `Cannot ${req.method} ${url.pathname}`);
      const eventTypeId = m[1] ? Number(m[1]) : null;
      if (eventTypeId !== null && !state.eventTypeIds.includes(eventTypeId)) return error(res, 404, 'NotFoundException', `Event type with id ${eventTypeId} not found`);
      if (!m[2] && req.method === 'POST') {
        if (typeof body.subscriberUrl !== 'string' || !/^https?:\/\//.test(body.subscriberUrl)) return error(res, 400, 'BadRequestException', 'subscriberUrl must be a string');
        if (typeof body.active !== 'boolean') return error(res, 400, 'BadRequestException', 'active must be a boolean value');
        if (!Array.isArray(body.triggers) || !body.triggers.every((t: unknown) => typeof t === 'string' && /^[A-Z_]+$/.test(t))) {
          return error(res, 400, 'BadRequestException', 'each value in triggers must be a valid enum value');
        }
        const hook: CalcomHook = {
          id: randomUUID(), subscriberUrl: body.subscriberUrl, triggers: body.triggers, active: body.active,
          secret: typeof body.secret === 'string' ? body.secret : null, payloadTemplate: typeof body.payloadTemplate === 'string' ? body.payloadTemplate : null, eventTypeId,
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { status: 'success', data: { ...view(hook), secret: hook.secret } });
      }
      if (m[2]) {
        const hook = state.hooks.get(decodeURIComponent(m[2]));
        if (!hook || hook.eventTypeId !== eventTypeId) return error(res, 404, 'NotFoundException', `Webhook (${m[2]}) not found`);
        if (req.method === 'GET') return json(res, 200, { status: 'success', data: view(hook) });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { status: 'success', data: view(hook) });
        }
      }
      return error(res, 404, 'NotFoundException', `Cannot ${req.method} ${url.pathname}`);
    })().catch((err: unknown) => error(res, 500, 'InternalServerErrorException', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

  return Object.assign(state, {
    apiBaseUrl: `${base}/v2`,
    failNext(count: number, status: number, body: unknown = { status: 'error', error: { code: 'InternalServerErrorException', message: 'Internal server error' } }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, payload: unknown, o: { secret?: string; headers?: Record<string, string> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake cal.com: no webhook ${id}`);
      const body = JSON.stringify(payload);
      const secret = o.secret ?? hook.secret;
      const res = await request(hook.subscriberUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cal-signature-256': secret ? sign(secret, body) : 'no-secret-provided', ...o.headers },
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
