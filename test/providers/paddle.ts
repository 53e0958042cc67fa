// A fake Paddle Billing API over real HTTP: what the integration uses — `POST /notification-settings`
// ({description, destination, type, subscribed_events, api_version?, include_sensitive_fields?} → 201
// `{data: {id: "ntfset_…", description, type, destination, active, api_version, include_sensitive_fields,
// subscribed_events: [{name, description, group, available_versions}], endpoint_secret_key: "pdl_ntfset_…",
// traffic_source}, meta: {request_id}}`), `GET` and `DELETE` of `/notification-settings/{id}` (404 `not_found` when
// unknown; DELETE answers 204) — behind `Authorization: Bearer <API key>` (a wrong key: 403 `invalid_token`); errors answer
// `{error: {type, code, detail, documentation_url, errors?}, meta: {request_id}}`. At most 10 active destinations.
// And Paddle's side of webhooks: the event body POSTed with `Paddle-Signature: ts=<unix s>;h1=<hex HMAC-SHA256 of
// "ts:body" keyed with the endpoint secret key>`, computed here with node:crypto, independently of the SDK's signer.
//
// Docs followed: https://developer.paddle.com/api-reference/notification-settings/create-notification-setting,
// https://developer.paddle.com/webhooks/about/signature-verification, https://developer.paddle.com/api-reference/about/errors
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const PADDLE_EVENT_TYPES = ['customer.created', 'customer.updated', 'subscription.created', 'subscription.canceled', 'subscription.past_due', 'subscription.updated', 'transaction.completed', 'transaction.paid'];

export interface PaddleSetting {
  id: string;
  description: string;
  type: string;
  destination: string;
  active: boolean;
  subscribedEvents: string[];
  secret: string;
}

export interface FakePaddle {
  apiBaseUrl: string;
  apiKey: string;
  settings: Map<string, PaddleSetting>;
  deletedSettings: PaddleSetting[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string, ts?: number): string;
  /** POST the event to the destination, signed with its secret (or `secret`) as Paddle does. */
  deliver(id: string, event: unknown, opts?: { secret?: string; ts?: number; headers?: Record<string, string> }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const id26 = () => Array.from(randomBytes(26), (b) => '0123456789abcdefghijklmnopqrstuvwxyz'[b % 36]).join('');

export async function startFakePaddle(): Promise<FakePaddle> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    apiKey: 'pdl_live_apikey_01hv8x5k3rj2c0f1m7yq4w9e6t_Yq3T8mZb5cWnF2hJ7kLp9R_AbC',
    settings: new Map<string, PaddleSetting>(),
    deletedSettings: [] as PaddleSetting[],
    requests: [] as FakePaddle['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, code: string, detail: string, errors?: Array<{ field: string; message: string }>) =>
    json(res, status, { error: { type, code, detail, documentation_url: `https://developer.paddle.com/errors/shared/${code}`, ...(errors ? { errors } : {}) }, meta: { request_id: randomUUID() } });
  const view = (s: PaddleSetting, withSecret = true) => ({
    id: s.id, description: s.description, type: s.type, destination: s.destination, active: s.active, api_version: 1, include_sensitive_fields: false,
    subscribed_events: s.subscribedEvents.map((name) => ({ name, description: `Occurs when ${name}.`, group: name.split('.')[0], available_versions: [1] })),
    ...(withSecret ? { endpoint_secret_key: s.secret } : {}), traffic_source: 'all',
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PATCH' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (!req.headers.authorization) return error(res, 401, 'request_error', 'authentication_missing', 'Authentication header missing.');
      if (!/^Bearer \S+$/.test(req.headers.authorization)) return error(res, 403, 'request_error', 'authentication_malformed', 'Authentication header included, but incorrectly formatted.');
      if (req.headers.authorization !== `Bearer ${state.apiKey}`) return error(res, 403, 'request_error', 'invalid_token', 'Invalid or revoked API key.');
      if (url.pathname === '/notification-settings' && req.method === 'POST') {
        const invalid: Array<{ field: string; message: string }> = [];
        if (typeof body.description !== 'string' || body.description.length < 1 || body.description.length > 500) invalid.push({ field: 'description', message: 'length must be between 1 and 500' });
        if (body.type !== 'url' && body.type !== 'email') invalid.push({ field: 'type', message: 'must be one of: email, url' });
        if (typeof body.destination !== 'string' || !/^https?:\/\//.test(body.destination)) invalid.push({ field: 'destination', message: 'must be a valid URL' });
        if (!Array.isArray(body.subscribed_events) || body.subscribed_events.length === 0 || !body.subscribed_events.every((e: unknown) => typeof e === 'string' && PADDLE_EVENT_TYPES.includes(e))) {
          invalid.push({ field: 'subscribed_events', message: 'must contain valid event type names' });
        }
        if (invalid.length) return error(res, 400, 'request_error', 'bad_request', 'Invalid request.', invalid);
        if ([...state.settings.values()].filter((s) => s.active).length >= 10) {
          return error(res, 400, 'request_error', 'notification_maximum_active_settings_reached', 'Maximum number of active notification settings reached.');
        }
        const id = `ntfset_${id26()}`;
        const setting: PaddleSetting = {
          id, description: body.description, type: body.type, destination: body.destination, active: true, subscribedEvents: body.subscribed_events,
          secret: `pdl_${id}_${randomBytes(24).toString('base64url')}`,
        };
        state.settings.set(id, setting);
        return json(res, 201, { data: view(setting), meta: { request_id: randomUUID() } });
      }
      const m = /^\/notification-settings\/([^/]+)$/.exec(url.pathname);
      if (m) {
        const setting = state.settings.get(decodeURIComponent(m[1]!));
        if (!setting) return error(res, 404, 'request_error', 'not_found', `Entity ${m[1]} not found`);
        if (req.method === 'GET') return json(res, 200, { data: view(setting), meta: { request_id: randomUUID() } });
        if (req.method === 'DELETE') {
          state.settings.delete(setting.id);
          state.deletedSettings.push(setting);
          res.writeHead(204);
          return res.end();
        }
      }
      return error(res, 404, 'request_error', 'not_found', `Path ${url.pathname} not found`);
    })().catch((err: unknown) => error(res, 500, 'api_error', 'internal_error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, body: string, ts: number = Math.floor(Date.now() / 1000)) =>
    `ts=${ts};h1=${createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex')}`;

  return Object.assign(state, {
    apiBaseUrl: base,
    failNext(count: number, status: number, body: unknown = { error: { type: 'api_error', code: 'internal_error', detail: 'An internal error has occurred.' } }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, event: unknown, o: { secret?: string; ts?: number; headers?: Record<string, string> } = {}) {
      const setting = state.settings.get(id);
      if (!setting) throw new Error(`fake paddle: no notification setting ${id}`);
      const body = JSON.stringify(event);
      const res = await request(setting.destination, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Paddle', 'paddle-signature': sign(o.secret ?? setting.secret, body, o.ts), ...o.headers },
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
