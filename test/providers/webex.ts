// A fake Cisco Webex over real HTTP: what the integration uses of webexapis.com/v1 —
// `POST /v1/webhooks` ({name, targetUrl, resource, event, filter?, secret?}; 400 for a missing or invalid field or
// an unknown or foreign space in the filter, 403 when the token lacks the resource's read scope),
// `GET /v1/webhooks/{id}` (status active | inactive), `DELETE /v1/webhooks/{id}` (204; 404 when gone),
// `GET /v1/messages/{id}` (404 when deleted) — Webex's error body `{message, errors: [{description}], trackingId}`,
// 401 for a missing or unknown token, 429 with Retry-After when scripted; and Webex's side of webhooks: a JSON POST
// of the envelope {id, name, targetUrl, resource, event, filter, orgId, createdBy, appId, ownedBy, status, created,
// actorId, data} to every active webhook whose resource, event and filter match, signed with `X-Spark-Signature`
// = hex HMAC-SHA1 of the raw body keyed with the webhook's secret (none when the webhook has no secret).
//
// Docs followed: https://developer.webex.com/docs/api/v1/webhooks (create, get, delete),
// https://developer.webex.com/docs/receive-and-verify-webhooks, https://developer.webex.com/docs/webhook-event-reference,
// https://developer.webex.com/docs/api/v1/messages/get-message-details, https://developer.webex.com/docs/rate-limiting.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const WEBEX_EVENTS: Record<string, string[]> = {
  messages: ['created', 'updated', 'deleted'],
  rooms: ['created', 'updated'],
  memberships: ['created', 'updated', 'deleted'],
  meetings: ['created', 'updated', 'deleted', 'started', 'ended'],
};
const READ_SCOPE: Record<string, string> = {
  messages: 'spark:messages_read', rooms: 'spark:rooms_read', memberships: 'spark:memberships_read', meetings: 'meeting:schedules_read',
};
const ORG_ID = 'OTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh';
const APP_ID = 'Y2lzY29zcGFyazovL3VzL0FQUExJQ0FUSU9OL0MyNzljYjMwYzAyOTE4MGJiNGJkYWViYjA2MWI3OTY1Y2RhMzliNjAyOTdjODUwM2YyNjZhYmY2NmM5OTllYzFm';
const PERSON_ID = 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY';

export interface WebexWebhook {
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  status: 'active' | 'inactive';
  created: string;
}

export interface WebexDelivery {
  webhookId: string;
  body: string;
  signature: string | undefined;
  responses: number[];
}

export interface FakeWebex {
  url: string;
  /** Token → its scopes. */
  tokens: Map<string, string[]>;
  /** Spaces the connected user is in (ids usable in a roomId filter). */
  rooms: Set<string>;
  messages: Map<string, Record<string, unknown>>;
  webhooks: Map<string, WebexWebhook>;
  deletedWebhooks: WebexWebhook[];
  deliveries: WebexDelivery[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(retryAfterSeconds: number): void;
  /**
   * An event: posted to every active webhook for this resource and event whose filter matches `data`. `signWith`
   * signs with another secret (null: no signature header).
   */
  publish(resource: string, event: string, data: Record<string, unknown>, opts?: { signWith?: string | null }): Promise<WebexDelivery[]>;
  /** A retry: the same body and signature again. */
  retry(delivery: WebexDelivery): Promise<WebexDelivery>;
  close(): Promise<void>;
}

/** Webex's filter language: name=value pairs joined by '&', all of which must match the event's data. */
function filterMatches(filter: string | undefined, data: Record<string, unknown>): boolean {
  if (!filter) return true;
  return filter.split('&').every((pair) => {
    const i = pair.indexOf('=');
    const name = pair.slice(0, i);
    const value = decodeURIComponent(pair.slice(i + 1));
    const field = name === 'type' ? (data.type ?? data.roomType) : data[name];
    return String(field) === value;
  });
}

export async function startFakeWebex(): Promise<FakeWebex> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    tokens: new Map<string, string[]>(),
    rooms: new Set<string>(),
    messages: new Map<string, Record<string, unknown>>(),
    webhooks: new Map<string, WebexWebhook>(),
    deletedWebhooks: [] as WebexWebhook[],
    deliveries: [] as WebexDelivery[],
    requests: [] as FakeWebex['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', trackingid: `ROUTER_${randomUUID()}`, ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const err = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { message, errors: [{ description: message }], trackingId: `ROUTER_${randomUUID()}` }, headers);
  const view = (w: WebexWebhook) => ({
    id: w.id, name: w.name, targetUrl: w.targetUrl, resource: w.resource, event: w.event, ...(w.filter ? { filter: w.filter } : {}),
    ...(w.secret ? { secret: w.secret } : {}), status: w.status, created: w.created, orgId: ORG_ID, createdBy: PERSON_ID, appId: APP_ID, ownedBy: 'creator',
  });
  const post = async (targetUrl: string, delivery: WebexDelivery): Promise<WebexDelivery> => {
    let status = 0;
    try {
      const res = await request(targetUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Webex Webhooks', ...(delivery.signature ? { 'x-spark-signature': delivery.signature } : {}) },
        body: delivery.body,
      });
      await res.body.text();
      status = res.statusCode;
    } catch {
      status = 0;
    }
    delivery.responses.push(status);
    return delivery;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const scopes = token ? state.tokens.get(token) : undefined;
      if (!scopes) return err(res, 401, 'The request requires a valid access token set in the Authorization request header.');
      const one = /^\/v1\/webhooks\/([^/]+)$/.exec(url.pathname);
      const message = /^\/v1\/messages\/([^/]+)$/.exec(url.pathname);

      if (req.method === 'POST' && url.pathname === '/v1/webhooks') {
        if (typeof body.name !== 'string' || body.name === '' || body.name.length > 128) return err(res, 400, 'name is required');
        if (typeof body.targetUrl !== 'string' || !/^https?:\/\//.test(body.targetUrl)) return err(res, 400, 'Invalid targetUrl');
        const events = WEBEX_EVENTS[body.resource as string];
        if (!events) return err(res, 400, `Invalid resource: ${String(body.resource)}`);
        if (!events.includes(body.event)) return err(res, 400, `Invalid event ${String(body.event)} for resource ${String(body.resource)}`);
        if (!scopes.includes(READ_SCOPE[body.resource]!)) return err(res, 403, `The token does not have the scope ${READ_SCOPE[body.resource]!} needed for ${String(body.resource)} webhooks.`);
        if (body.filter !== undefined) {
          if (typeof body.filter !== 'string' || body.filter === '') return err(res, 400, 'Invalid filter');
          for (const pair of body.filter.split('&')) {
            const [name, value] = pair.split(/=(.*)/s);
            if (!name || value === undefined) return err(res, 400, `Invalid filter: ${pair}`);
            if (name === 'roomId' && !state.rooms.has(value)) return err(res, 400, 'invalid value for filter: roomId');
            if (name === 'type' && !['group', 'direct'].includes(value)) return err(res, 400, 'invalid value for filter: type');
          }
        }
        if (body.secret !== undefined && (typeof body.secret !== 'string' || body.secret === '')) return err(res, 400, 'Invalid secret');
        const hook: WebexWebhook = {
          id: Buffer.from(`ciscospark://us/WEBHOOK/${randomUUID()}`).toString('base64url'),
          name: body.name, targetUrl: body.targetUrl, resource: body.resource, event: body.event,
          ...(body.filter ? { filter: body.filter } : {}), ...(body.secret ? { secret: body.secret } : {}),
          status: 'active', created: new Date().toISOString(),
        };
        state.webhooks.set(hook.id, hook);
        return json(res, 200, view(hook));
      }
      if (one) {
        const hook = state.webhooks.get(one[1]!);
        if (!hook) return err(res, 404, 'The requested resource could not be found.');
        if (req.method === 'GET') return json(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.webhooks.delete(hook.id);
          state.deletedWebhooks.push(hook);
          res.writeHead(204);
          return res.end();
        }
      }
      if (message && req.method === 'GET') {
        if (!scopes.includes('spark:messages_read')) return err(res, 403, 'The token does not have the scope spark:messages_read.');
        const m = state.messages.get(message[1]!);
        if (!m) return err(res, 404, 'The requested resource could not be found.');
        return json(res, 200, m);
      }
      return err(res, 404, 'The requested resource could not be found.');
    })().catch((e: unknown) => err(res, 500, String(e)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeWebex = Object.assign(state, {
    url: origin,
    failNext(count: number, status: number, body: unknown = { message: 'Internal Server Error', errors: [], trackingId: 'ROUTER_x' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(retryAfterSeconds: number) {
      failures.push({ status: 429, body: { message: 'Too many requests. Rate limit exceeded.', trackingId: 'GTWY_1' }, headers: { 'retry-after': String(retryAfterSeconds) } });
    },
    async publish(resource: string, event: string, data: Record<string, unknown>, opts: { signWith?: string | null } = {}) {
      const sent: WebexDelivery[] = [];
      for (const hook of state.webhooks.values()) {
        if (hook.status !== 'active' || hook.resource !== resource || hook.event !== event || !filterMatches(hook.filter, data)) continue;
        const body = JSON.stringify({
          id: hook.id, name: hook.name, targetUrl: hook.targetUrl, resource, event, ...(hook.filter ? { filter: hook.filter } : {}),
          orgId: ORG_ID, createdBy: PERSON_ID, appId: APP_ID, ownedBy: 'creator', status: 'active', created: hook.created, actorId: PERSON_ID, data,
        });
        const key = opts.signWith === undefined ? hook.secret : opts.signWith;
        const signature = key ? createHmac('sha1', key).update(body).digest('hex') : undefined;
        const delivery: WebexDelivery = { webhookId: hook.id, body, signature, responses: [] };
        state.deliveries.push(delivery);
        sent.push(await post(hook.targetUrl, delivery));
      }
      return sent;
    },
    async retry(delivery: WebexDelivery) {
      const hook = state.webhooks.get(delivery.webhookId);
      if (!hook) throw new Error(`fake webex: webhook ${delivery.webhookId} is gone`);
      return post(hook.targetUrl, delivery);
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
