// A fake Help Scout (Mailbox API 2.0) over real HTTP: what the integration uses — `GET /v2/users/me`,
// `POST /v2/webhooks` {url, events, secret (≤ 40 characters), payloadVersion, label, mailboxIds} answered 201 with
// `Resource-ID` and `Location` headers and no body, `GET /v2/webhooks/{id}` (with `state: enabled|disabled`),
// `DELETE /v2/webhooks/{id}` (204) — and Help Scout's side of webhooks: the resource object POSTed with
// `X-HelpScout-Event` and `X-HelpScout-Signature: base64(HMAC-SHA1(secret, raw body))`, computed with
// node:crypto as Help Scout documents it (https://developer.helpscout.com/webhooks; there is no signing library).
// Errors are vnd.error bodies `{message, logref, _embedded: {errors: [{path, message}]}}`; 429 carries
// X-RateLimit-Retry-After when scripted. Docs followed: https://developer.helpscout.com/mailbox-api/endpoints/webhooks/create,
// https://developer.helpscout.com/mailbox-api/overview/errors/, https://developer.helpscout.com/mailbox-api/overview/rate-limiting/.
import { createHmac } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const HELPSCOUT_EVENTS = [
  'beacon.chat.created', 'beacon.chat.customer.replied', 'convo.agent.reply.created', 'convo.assigned', 'convo.created', 'convo.custom-fields',
  'convo.customer.reply.created', 'convo.deleted', 'convo.merged', 'convo.moved', 'convo.note.created', 'convo.status', 'convo.tags',
  'customer.created', 'customer.deleted', 'customer.updated', 'message.survey.response.received', 'organization.created', 'organization.deleted',
  'organization.updated', 'satisfaction.ratings', 'tag.created', 'tag.deleted', 'tag.updated', 'user.status.changed',
];

export interface HelpScoutHook {
  id: number;
  url: string;
  events: string[];
  secret: string;
  payloadVersion: string;
  label: string | null;
  mailboxIds: number[];
  state: 'enabled' | 'disabled';
  notification: boolean;
}

export interface FakeHelpScout {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  userId: number;
  validTokens: Set<string>;
  hooks: Map<number, HelpScoutHook>;
  deletedHooks: HelpScoutHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Send an event as Help Scout does; `secret` overrides the webhook's. */
  deliver(id: number, event: string, body: unknown, opts?: { secret?: string }): Promise<{ status: number; body: string; signature: string }>;
  close(): Promise<void>;
}

/** base64 HMAC-SHA1 of the raw body, keyed with the webhook secret (Help Scout "Verifying"). */
export function helpScoutSignature(secret: string, body: string): string {
  return createHmac('sha1', secret).update(body).digest('base64');
}

const vndError = (message: string, errors: Array<{ path: string; message: string }> = []) => ({
  logref: 'Validation error', message, _embedded: { errors: errors.map((e) => ({ ...e, rejectedValue: null, source: 'JSON' })) },
});

export async function startFakeHelpScout(): Promise<FakeHelpScout> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1000;
  const state = {
    clientId: 'helpscout-client-id',
    clientSecret: 'helpscout-client-secret',
    userId: 9865,
    validTokens: new Set<string>(),
    hooks: new Map<number, HelpScoutHook>(),
    deletedHooks: [] as HelpScoutHook[],
    requests: [] as FakeHelpScout['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/hal+json;charset=UTF-8', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const header = req.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !state.validTokens.has(header.slice(7))) {
        return json(res, 401, { error: 'invalid_token', error_description: 'Invalid access token' });
      }
      if (req.method === 'GET' && url.pathname === '/v2/users/me') {
        return json(res, 200, { id: state.userId, firstName: 'Mr', lastName: 'Robot', email: 'none@nowhere.com', role: 'owner' });
      }
      if (req.method === 'POST' && url.pathname === '/v2/webhooks') {
        const errors: Array<{ path: string; message: string }> = [];
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) errors.push({ path: 'url', message: 'must be a valid URL' });
        if (!Array.isArray(body.events) || body.events.length === 0 || body.events.some((e: unknown) => !HELPSCOUT_EVENTS.includes(String(e)))) {
          errors.push({ path: 'events', message: 'must contain known events' });
        }
        if (typeof body.secret !== 'string' || body.secret === '' || body.secret.length > 40) errors.push({ path: 'secret', message: 'must be 40 characters or less' });
        if (body.payloadVersion !== undefined && body.payloadVersion !== 'V2') errors.push({ path: 'payloadVersion', message: 'must be V2' });
        if (body.mailboxIds !== undefined && (!Array.isArray(body.mailboxIds) || body.mailboxIds.some((m: unknown) => !Number.isSafeInteger(m)))) {
          errors.push({ path: 'mailboxIds', message: 'must be mailbox ids' });
        }
        if (errors.length > 0) return json(res, 400, vndError('Bad request', errors));
        const id = nextId++;
        state.hooks.set(id, {
          id, url: body.url, events: body.events, secret: body.secret, payloadVersion: body.payloadVersion ?? 'V2', label: body.label ?? null,
          mailboxIds: body.mailboxIds ?? [], state: 'enabled', notification: body.notification === true,
        });
        res.writeHead(201, { 'resource-id': String(id), location: `${base}/v2/webhooks/${id}` });
        return res.end();
      }
      const one = /^\/v2\/webhooks\/(\d+)$/.exec(url.pathname);
      if (one) {
        const hook = state.hooks.get(Number(one[1]));
        if (!hook) return json(res, 404, vndError('Resource not found'));
        if (req.method === 'GET') return json(res, 200, hook);
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204);
          return res.end();
        }
      }
      return json(res, 404, vndError('Resource not found'));
    })().catch((err: unknown) => json(res, 500, vndError(String(err))));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    tokenUrl: `${base}/v2/oauth2/token`,
    failNext(count: number, status: number, body: unknown = vndError('Internal Server Error'), headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: number, event: string, payload: unknown, o: { secret?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake helpscout: no webhook ${id}`);
      if (hook.state === 'disabled') throw new Error(`fake helpscout: webhook ${id} is disabled`);
      const body = JSON.stringify(payload);
      const signature = helpScoutSignature(o.secret ?? hook.secret, body);
      const res = await request(hook.url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-helpscout-event': event, 'x-helpscout-signature': signature }, body,
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
