// A fake Eventbrite over real HTTP: the API (its base URL `${url}/v3` stands for https://www.eventbriteapi.com/v3) and
// the OAuth token endpoint (`POST /oauth/token`, form-encoded, answering `{access_token, token_type}`).
//
// API as documented: `Authorization: Bearer` (401 `{status_code, error: "INVALID_AUTH", error_description}` otherwise),
// `GET /users/me/`, `GET /users/me/organizations/` (`{organizations: [...], pagination}`),
// `POST /organizations/{id}/webhooks/` `{endpoint_url, actions, event_id?}` → the webhook (400 for an unknown action or
// a missing endpoint URL, 404 for an organization the user is not in), `GET`/`DELETE /webhooks/{id}/`, and the objects
// webhooks point at: `GET /orders/{id}/`, `/events/{id}/`, `/events/{event}/attendees/{id}/`. And Eventbrite's side of
// webhooks: unsigned JSON `{config: {action, user_id, endpoint_url, webhook_id}, api_url}` POSTed to the endpoint URL
// as registered, for the hook's actions (and event, when it has one).
//
// Docs followed: https://www.eventbrite.com/platform/docs/webhooks, https://www.eventbrite.com/platform/api,
// https://www.eventbrite.com/developer/v3/endpoints/webhooks/
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const DOCUMENTED_ACTIONS = ['attendee.checked_in', 'attendee.checked_out', 'attendee.updated', 'event.created', 'event.published', 'event.unpublished', 'event.updated', 'order.placed', 'order.refunded', 'order.updated', 'organizer.updated', 'ticket_class.created', 'ticket_class.deleted', 'ticket_class.updated', 'venue.updated'];

export interface EbHook {
  id: string;
  organizationId: string;
  endpoint_url: string;
  actions: string[];
  event_id: string | null;
}

export interface FakeEventbrite {
  url: string;
  userId: string;
  organizations: Array<{ id: string; name: string }>;
  tokens: Set<string>;
  hooks: Map<string, EbHook>;
  deletedHooks: EbHook[];
  orders: Map<string, Record<string, unknown>>;
  events: Map<string, Record<string, unknown>>;
  /** `${eventId}/${attendeeId}` → attendee. */
  attendees: Map<string, Record<string, unknown>>;
  codes: Map<string, string>;
  clientId: string;
  clientSecret: string;
  tokenRequests: Array<Record<string, string>>;
  requests: Array<{ method: string; path: string; host: string | undefined; token: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Posts what Eventbrite posts for `action` on the object at `apiPath` (e.g. `/orders/1/`) to every matching hook. */
  fire(action: string, apiPath: string, opts?: { eventId?: string }): Promise<Array<{ hook: string; status: number }>>;
  /** Posts a raw body to a hook's endpoint URL (or another URL). */
  post(hookId: string, body: unknown, opts?: { url?: string }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startFakeEventbrite(): Promise<FakeEventbrite> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 4123450;
  const state = {
    userId: '1122334455',
    organizations: [{ id: '698566935713', name: 'Backroom Comedy' }],
    tokens: new Set<string>(),
    hooks: new Map<string, EbHook>(),
    deletedHooks: [] as EbHook[],
    orders: new Map<string, Record<string, unknown>>(),
    events: new Map<string, Record<string, unknown>>(),
    attendees: new Map<string, Record<string, unknown>>(),
    codes: new Map<string, string>(),
    clientId: 'eb-client-id',
    clientSecret: 'eb-client-secret',
    tokenRequests: [] as Array<Record<string, string>>,
    requests: [] as FakeEventbrite['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const err = (res: ServerResponse, status: number, error: string, description: string) => json(res, status, { status_code: status, error, error_description: description });
  let base = '';
  const present = (h: EbHook) => ({
    id: h.id,
    endpoint_url: h.endpoint_url,
    actions: h.actions,
    event_id: h.event_id,
    created: '2026-03-02T08:38:45Z',
    user_id: state.userId,
    resource_uri: `${base}/v3/webhooks/${h.id}/`,
  });
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      const auth = req.headers.authorization;
      const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, host: req.headers.host, token, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);

      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const form = body as Record<string, string>;
        state.tokenRequests.push(form);
        const access = state.codes.get(form.code ?? '');
        if (form.grant_type !== 'authorization_code' || form.client_id !== state.clientId || form.client_secret !== state.clientSecret || !access) return json(res, 400, { error: 'invalid_grant', error_description: 'bad code' });
        state.codes.delete(form.code!);
        return json(res, 200, { access_token: access, token_type: 'bearer' });
      }
      if (!url.pathname.startsWith('/v3/')) return err(res, 404, 'NOT_FOUND', 'The path you requested does not exist.');
      if (!token || !state.tokens.has(token)) return err(res, 401, 'INVALID_AUTH', 'The OAuth token you provided was invalid.');
      const path = url.pathname.slice(3);

      if (req.method === 'GET' && path === '/users/me/') return json(res, 200, { id: state.userId, name: 'Ada Lovelace', emails: [{ email: 'ada@example.com', primary: true }] });
      if (req.method === 'GET' && path === '/users/me/organizations/') return json(res, 200, { organizations: state.organizations.map((o) => ({ ...o, vertical: 'Default', image_id: null })), pagination: { object_count: state.organizations.length, page_number: 1, page_size: 50, page_count: 1, has_more_items: false } });

      const create = /^\/organizations\/(\d+)\/webhooks\/$/.exec(path);
      if (create && req.method === 'POST') {
        if (!state.organizations.some((o) => o.id === create[1])) return err(res, 404, 'NOT_FOUND', 'The organization you requested does not exist.');
        const actions = typeof body?.actions === 'string' ? body.actions.split(',').map((a: string) => a.trim()) : ['order.placed', 'event.published', 'event.unpublished'];
        if (typeof body?.endpoint_url !== 'string' || !/^https?:\/\//.test(body.endpoint_url)) return err(res, 400, 'ARGUMENTS_ERROR', 'There are errors with your arguments: endpoint_url - INVALID');
        if (actions.some((a: string) => !DOCUMENTED_ACTIONS.includes(a))) return err(res, 400, 'ARGUMENTS_ERROR', 'There are errors with your arguments: actions - INVALID');
        const hook: EbHook = { id: String(nextId++), organizationId: create[1]!, endpoint_url: body.endpoint_url, actions, event_id: typeof body.event_id === 'string' && body.event_id ? body.event_id : null };
        state.hooks.set(hook.id, hook);
        return json(res, 200, present(hook));
      }
      const one = /^\/webhooks\/(\d+)\/$/.exec(path);
      if (one) {
        const hook = state.hooks.get(one[1]!);
        if (!hook) return err(res, 404, 'NOT_FOUND', 'The webhook you requested does not exist.');
        if (req.method === 'GET') return json(res, 200, present(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { success: true });
        }
      }
      if (req.method === 'GET') {
        const order = /^\/orders\/(\d+)\/$/.exec(path);
        const event = /^\/events\/(\d+)\/$/.exec(path);
        const attendee = /^\/events\/(\d+)\/attendees\/(\d+)\/$/.exec(path);
        const found = order ? state.orders.get(order[1]!) : event ? state.events.get(event[1]!) : attendee ? state.attendees.get(`${attendee[1]}/${attendee[2]}`) : undefined;
        if (found) return json(res, 200, found);
      }
      return err(res, 404, 'NOT_FOUND', 'The object you requested does not exist.');
    })().catch((e: unknown) => json(res, 500, { status_code: 500, error: 'INTERNAL_ERROR', error_description: String(e) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (hook: EbHook, payload: unknown, target = hook.endpoint_url) => {
    const res = await request(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    return { status: res.statusCode, text: await res.body.text() };
  };
  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { status_code: status, error: 'INTERNAL_ERROR', error_description: 'Something went wrong' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async fire(action: string, apiPath: string, o: { eventId?: string } = {}) {
      const out: Array<{ hook: string; status: number }> = [];
      for (const hook of [...state.hooks.values()]) {
        if (!hook.actions.includes(action)) continue;
        if (hook.event_id && o.eventId && hook.event_id !== o.eventId) continue;
        const r = await post(hook, { config: { action, user_id: state.userId, endpoint_url: hook.endpoint_url, webhook_id: hook.id }, api_url: `${base}/v3${apiPath}` });
        out.push({ hook: hook.id, status: r.status });
      }
      return out;
    },
    async post(hookId: string, payload: unknown, o: { url?: string } = {}) {
      const hook = state.hooks.get(hookId);
      if (!hook) throw new Error(`fake eventbrite: no webhook ${hookId}`);
      return post(hook, payload, o.url);
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
