// A fake Lever (API v1) over real HTTP: what the integration uses of "Webhooks via the API" —
// `POST /v1/webhooks` {url, event} answered 201 with the webhook and its `configuration.signatureToken` (in the
// `{data: {data: {…}}}` shape of Lever's documented example), `GET /v1/webhooks` (the list), and
// `DELETE /v1/webhooks/{id}` (204; 404 when unknown) — behind OAuth bearer tokens. Errors answer
// `{code, message}`. And Lever's side of webhooks: `{id, event, triggeredAt, data, token, signature}` POSTed as
// JSON with `User-Agent: Lever-Webhooks`, where `token` is 48 random characters and `signature` is the hex
// HMAC-SHA256, keyed with the webhook's signatureToken, of token + triggeredAt — computed here with node:crypto as
// Lever documents it, independently of the SDK's signer. Unlike Lever, the fake accepts http:// hook URLs
// (the test service listens on 127.0.0.1).
//
// Docs followed: https://hire.lever.co/developer/documentation#webhooks,
// https://hire.lever.co/developer/documentation#webhooks-via-the-api, https://hire.lever.co/developer/documentation#errors
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const LEVER_EVENTS = [
  'applicationCreated', 'candidateHired', 'candidateStageChange', 'candidateArchiveChange', 'candidateDeleted',
  'interviewCreated', 'interviewUpdated', 'interviewDeleted', 'contactCreated', 'contactUpdated',
];

export interface LeverHook {
  id: string;
  url: string;
  event: string;
  signatureToken: string;
  createdAt: number;
  updatedAt: number;
}

export interface LeverDeliveryOptions {
  /** Sign with this key instead of the webhook's signatureToken. */
  key?: string;
  /** Use this token (default: 48 fresh random characters). */
  token?: string;
  /** Send this signature instead of the computed one (undefined: computed; null: no signature field). */
  signature?: string | null;
  /** Change the body after signing (Lever signs token + triggeredAt only). */
  alter?: (body: Record<string, unknown>) => Record<string, unknown>;
}

export interface FakeLever {
  apiBaseUrl: string;
  validTokens: Set<string>;
  hooks: Map<string, LeverHook>;
  deletedHooks: LeverHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** POST an event to the webhook's URL as Lever does; returns what was sent. */
  deliver(id: string, event: { id?: string; event: string; triggeredAt: number; data: unknown }, opts?: LeverDeliveryOptions): Promise<{ status: number; sent: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Lever's request signing: hex HMAC-SHA256(signatureToken, token + triggeredAt). */
export function leverSignature(signatureToken: string, token: string, triggeredAt: number): string {
  return createHmac('sha256', signatureToken).update(`${token}${triggeredAt}`).digest('hex');
}

export async function startFakeLever(): Promise<FakeLever> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    validTokens: new Set<string>(),
    hooks: new Map<string, LeverHook>(),
    deletedHooks: [] as LeverHook[],
    requests: [] as FakeLever['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const view = (h: LeverHook) => ({ id: h.id, url: h.url, event: h.event, createdAt: h.createdAt, updatedAt: h.updatedAt, configuration: {} });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !state.validTokens.has(bearer)) return json(res, 401, { code: 'UnauthorizedError', message: 'Invalid or expired access token' });
      if (url.pathname === '/v1/webhooks' && req.method === 'GET') {
        return json(res, 200, { data: [...state.hooks.values()].map(view) });
      }
      if (url.pathname === '/v1/webhooks' && req.method === 'POST') {
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return json(res, 400, { code: 'BadRequestError', message: 'url must be a valid URL' });
        if (!LEVER_EVENTS.includes(body.event)) return json(res, 400, { code: 'BadRequestError', message: `event must be one of ${LEVER_EVENTS.join(', ')}` });
        const now = Date.now();
        const hook: LeverHook = { id: randomUUID(), url: body.url, event: body.event, signatureToken: randomBytes(24).toString('hex'), createdAt: now, updatedAt: now };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { data: { data: { id: hook.id, event: hook.event, url: hook.url, configuration: { signatureToken: hook.signatureToken }, createdAt: now, updatedAt: now } } });
      }
      const one = /^\/v1\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (one && req.method === 'DELETE') {
        const hook = state.hooks.get(decodeURIComponent(one[1]!));
        if (!hook) return json(res, 404, { code: 'ResourceNotFound', message: `webhooks ${one[1]} was not found` });
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        res.writeHead(204);
        return res.end();
      }
      return json(res, 404, { code: 'ResourceNotFound', message: 'Not found' });
    })().catch((err: unknown) => json(res, 500, { code: 'InternalServerError', message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    apiBaseUrl: `${base}/v1`,
    failNext(count: number, status: number, body: unknown = { code: 'InternalServerError', message: 'Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: string, event: { id?: string; event: string; triggeredAt: number; data: unknown }, o: LeverDeliveryOptions = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake lever: no webhook ${id}`);
      const token = o.token ?? randomBytes(24).toString('hex');
      const signature = o.signature === undefined ? leverSignature(o.key ?? hook.signatureToken, token, event.triggeredAt) : o.signature;
      let sent: Record<string, unknown> = { ...event, token, ...(signature === null ? {} : { signature }) };
      if (o.alter) sent = o.alter(sent);
      const res = await request(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Lever-Webhooks' },
        body: JSON.stringify(sent),
      });
      await res.body.text();
      return { status: res.statusCode, sent };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
