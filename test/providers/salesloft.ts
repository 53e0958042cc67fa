// A fake Salesloft (API v2) over real HTTP: what the integration uses — `GET /v2/me` ({data: {id, guid, team}}),
// `POST /v2/webhook_subscriptions` {callback_url, callback_token, event_type} answered with the subscription under
// `data` ({id, callback_url, callback_token, event_type, enabled, tenant_id, user_guid}), `GET
// /v2/webhook_subscriptions/{id}`, `DELETE /v2/webhook_subscriptions/{id}` (204; 404 when unknown) — behind a
// Bearer token, and Salesloft's side of webhooks: the resource object POSTed to the callback URL with
// `x-salesloft-event` and `x-salesloft-signature: hex(HMAC-SHA1(callback_token, raw body))`, computed with
// node:crypto as Salesloft documents it (https://developers.salesloft.com/docs/platform/webhooks/delivery-headers/;
// there is no signing library). Errors answer `{error, error_description}` (401) or `{errors: {field: [..]}}`
// (422); a scripted 429 may carry Retry-After. Docs followed:
// https://developers.salesloft.com/docs/platform/webhooks/introduction/, .../webhooks/event-types/,
// https://developers.salesloft.com/docs/platform/api-basics/rate-limits/.
import { createHmac } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

/** A subset of the documented event types (https://developers.salesloft.com/docs/platform/webhooks/event-types/). */
export const SALESLOFT_EVENT_TYPES = [
  'account_created', 'account_deleted', 'account_updated', 'bulk_job_completed', 'cadence_created', 'cadence_deleted', 'cadence_updated',
  'cadence_membership_created', 'cadence_membership_updated', 'call_created', 'call_updated', 'email_updated', 'meeting_booked',
  'meeting_updated', 'note_created', 'note_updated', 'person_created', 'person_deleted', 'person_updated', 'step_created', 'task_created',
];

export interface SalesloftSubscription {
  id: number;
  callback_url: string;
  callback_token: string;
  event_type: string;
  enabled: boolean;
  tenant_id: number;
  user_guid: string;
}

export interface FakeSalesloft {
  /** The API base, `…/v2`. */
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  userId: number;
  validTokens: Set<string>;
  subscriptions: Map<number, SalesloftSubscription>;
  deletedSubscriptions: SalesloftSubscription[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Send an event as Salesloft does; `secret` overrides the subscription's callback token. */
  deliver(id: number, resource: unknown, opts?: { secret?: string; event?: string }): Promise<{ status: number; body: string; signature: string }>;
  close(): Promise<void>;
}

/** hex HMAC-SHA1 of the raw body keyed with the callback token (Salesloft "Delivery Headers"). */
export function salesloftSignature(token: string, body: string): string {
  return createHmac('sha1', token).update(body).digest('hex');
}

export async function startFakeSalesloft(): Promise<FakeSalesloft> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 500;
  const state = {
    clientId: 'salesloft-client-id',
    clientSecret: 'salesloft-client-secret',
    userId: 4521,
    validTokens: new Set<string>(),
    subscriptions: new Map<number, SalesloftSubscription>(),
    deletedSubscriptions: [] as SalesloftSubscription[],
    requests: [] as FakeSalesloft['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const notFound = { error: 'Not Found' };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const header = req.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !state.validTokens.has(header.slice(7))) {
        return json(res, 401, { error: 'invalid_token', error_description: 'The access token is invalid' });
      }
      if (req.method === 'GET' && url.pathname === '/v2/me') {
        return json(res, 200, { data: { id: state.userId, guid: '51398ccd-309e-467f-aae2-4b0f66b5c11d', name: 'Pat Rep', email: 'rep@example.com', team: { _href: `${base}/v2/team`, id: 16 } } });
      }
      if (req.method === 'POST' && url.pathname === '/v2/webhook_subscriptions') {
        const errors: Record<string, string[]> = {};
        if (typeof body.callback_url !== 'string' || !/^https?:\/\//.test(body.callback_url)) errors.callback_url = ['is invalid'];
        if (typeof body.callback_token !== 'string' || body.callback_token === '') errors.callback_token = ["can't be blank"];
        if (typeof body.event_type !== 'string' || !SALESLOFT_EVENT_TYPES.includes(body.event_type)) errors.event_type = ['is not included in the list'];
        if (Object.keys(errors).length > 0) return json(res, 422, { errors });
        const sub: SalesloftSubscription = {
          id: nextId++, callback_url: body.callback_url, callback_token: body.callback_token, event_type: body.event_type, enabled: true,
          tenant_id: 16, user_guid: '51398ccd-309e-467f-aae2-4b0f66b5c11d',
        };
        state.subscriptions.set(sub.id, sub);
        return json(res, 200, { data: sub });
      }
      const one = /^\/v2\/webhook_subscriptions\/(\d+)$/.exec(url.pathname);
      if (one) {
        const sub = state.subscriptions.get(Number(one[1]));
        if (!sub) return json(res, 404, notFound);
        if (req.method === 'GET') return json(res, 200, { data: sub });
        if (req.method === 'DELETE') {
          state.subscriptions.delete(sub.id);
          state.deletedSubscriptions.push(sub);
          res.writeHead(204);
          return res.end();
        }
      }
      return json(res, 404, notFound);
    })().catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: `${base}/v2`,
    tokenUrl: `${base}/oauth/token`,
    failNext(count: number, status: number, body: unknown = { error: 'Internal Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: number, resource: unknown, o: { secret?: string; event?: string } = {}) {
      const sub = state.subscriptions.get(id);
      if (!sub) throw new Error(`fake salesloft: no webhook subscription ${id}`);
      if (!sub.enabled) throw new Error(`fake salesloft: webhook subscription ${id} is disabled`);
      const body = JSON.stringify(resource);
      const signature = salesloftSignature(o.secret ?? sub.callback_token, body);
      const res = await request(sub.callback_url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-salesloft-event': o.event ?? sub.event_type, 'x-salesloft-signature': signature }, body,
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
