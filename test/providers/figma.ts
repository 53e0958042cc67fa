// A fake Figma over real HTTP: what the integration uses of the REST API's Webhooks V2 —
// `POST /v2/webhooks` ({event_type, context, context_id, endpoint, passcode, status, description}; 400 for a
// missing or invalid parameter, 403 for an invalid token or no permission on the context, 404 for an unknown
// context; a PING with the passcode sent to the endpoint when created ACTIVE), `GET /v2/webhooks/:id` (the
// passcode redacted to ""), `DELETE /v2/webhooks/:id` (404 when gone), `GET /v2/webhooks/:id/requests` (the
// deliveries made) — Figma's error body `{"status": n, "err": "…"}`, 429 with Retry-After when scripted, and
// Figma's side of webhooks: a JSON POST per event carrying the webhook's passcode, webhook_id and timestamp.
// Team webhooks need a team admin; project and file webhooks an editor, as Figma documents.
//
// Docs followed: https://developers.figma.com/docs/rest-api/webhooks, …/webhooks-endpoints, …/webhooks-events,
// …/webhooks-types, …/webhooks-security, and the payload types of https://github.com/figma/rest-api-spec.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const FIGMA_EVENTS = ['PING', 'FILE_UPDATE', 'FILE_VERSION_UPDATE', 'FILE_DELETE', 'LIBRARY_PUBLISH', 'FILE_COMMENT', 'DEV_MODE_STATUS_UPDATE'] as const;
export type FigmaEvent = (typeof FIGMA_EVENTS)[number];

export interface FigmaContextEntry {
  context: 'team' | 'project' | 'file';
  id: string;
  /** The connected user's role there: team webhooks need `admin`; project and file ones `editor` (or admin). */
  role: 'admin' | 'editor' | 'viewer';
}

export interface FigmaWebhook {
  id: string;
  event_type: FigmaEvent;
  context: 'team' | 'project' | 'file';
  context_id: string;
  endpoint: string;
  passcode: string;
  status: 'ACTIVE' | 'PAUSED';
  description: string | null;
}

export interface FigmaDelivery {
  webhookId: string;
  body: string;
  /** Every attempt's answer (0: no connection). */
  responses: number[];
  sentAt: string[];
}

export interface FakeFigma {
  url: string;
  contexts: FigmaContextEntry[];
  webhooks: Map<string, FigmaWebhook>;
  deletedWebhooks: FigmaWebhook[];
  validTokens: Set<string>;
  deliveries: FigmaDelivery[];
  /** The PING deliveries sent on creation. */
  pings: FigmaDelivery[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(retryAfterSeconds: number): void;
  /**
   * Send an event to a webhook: `payload` with the webhook's passcode, id and a timestamp set (as Figma
   * fills them). `passcode` overrides the passcode (null: none).
   */
  deliver(webhookId: string, payload: Record<string, unknown>, opts?: { passcode?: string | null; timestamp?: string }): Promise<FigmaDelivery>;
  /** A retry: the same body again. */
  retry(delivery: FigmaDelivery): Promise<FigmaDelivery>;
  close(): Promise<void>;
}

export async function startFakeFigma(): Promise<FakeFigma> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 1000;
  const state = {
    contexts: [] as FigmaContextEntry[],
    webhooks: new Map<string, FigmaWebhook>(),
    deletedWebhooks: [] as FigmaWebhook[],
    validTokens: new Set<string>(),
    deliveries: [] as FigmaDelivery[],
    pings: [] as FigmaDelivery[],
    requests: [] as FakeFigma['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const err = (res: ServerResponse, status: number, message: string) => json(res, status, { status, err: message });
  const view = (w: FigmaWebhook) => ({
    id: w.id, event_type: w.event_type, context: w.context.toUpperCase(), context_id: w.context_id, team_id: w.context === 'team' ? w.context_id : '',
    plan_api_id: 'organization-1', status: w.status, client_id: null, passcode: '', endpoint: w.endpoint, description: w.description,
  });

  const post = async (endpoint: string, delivery: FigmaDelivery): Promise<FigmaDelivery> => {
    let status = 0;
    try {
      const res = await request(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Figma' }, body: delivery.body });
      await res.body.text();
      status = res.statusCode;
    } catch {
      status = 0;
    }
    delivery.responses.push(status);
    delivery.sentAt.push(new Date().toISOString());
    return delivery;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? (req.headers['x-figma-token'] as string | undefined);
      // Figma answers an invalid or expired token with 403 "Invalid token".
      if (!token || !state.validTokens.has(token)) return err(res, 403, 'Invalid token');
      const one = /^\/v2\/webhooks\/([^/]+)$/.exec(url.pathname);
      const requests = /^\/v2\/webhooks\/([^/]+)\/requests$/.exec(url.pathname);

      if (req.method === 'POST' && url.pathname === '/v2/webhooks') {
        if (!FIGMA_EVENTS.includes(body.event_type)) return err(res, 400, 'Invalid parameter: event_type');
        if (!['team', 'project', 'file'].includes(body.context)) return err(res, 400, 'Invalid parameter: context');
        if (typeof body.context_id !== 'string' || body.context_id === '') return err(res, 400, 'Missing parameter: context_id');
        if (typeof body.endpoint !== 'string' || !/^https?:\/\//.test(body.endpoint) || body.endpoint.length > 2048) return err(res, 400, 'Invalid parameter: endpoint');
        if (typeof body.passcode !== 'string' || body.passcode === '' || body.passcode.length > 100) return err(res, 400, 'Invalid parameter: passcode');
        const ctx = state.contexts.find((c) => c.context === body.context && c.id === body.context_id);
        if (!ctx) return err(res, 404, 'Not found');
        if (ctx.role === 'viewer' || (ctx.context === 'team' && ctx.role !== 'admin')) return err(res, 403, 'You do not have permission to create webhooks for this ' + ctx.context);
        const hook: FigmaWebhook = {
          id: String(nextId++), event_type: body.event_type, context: body.context, context_id: body.context_id, endpoint: body.endpoint,
          passcode: body.passcode, status: body.status === 'PAUSED' ? 'PAUSED' : 'ACTIVE', description: typeof body.description === 'string' ? body.description : null,
        };
        state.webhooks.set(hook.id, hook);
        // "By default, this webhook will automatically send a PING event to the endpoint when it is created."
        // Sent before the create call is answered: the hardest case for the receiver (it knows no webhook yet).
        if (hook.status === 'ACTIVE') {
          const ping: FigmaDelivery = {
            webhookId: hook.id,
            body: JSON.stringify({ event_type: 'PING', passcode: hook.passcode, timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), webhook_id: hook.id }),
            responses: [], sentAt: [],
          };
          state.pings.push(ping);
          await post(hook.endpoint, ping);
        }
        return json(res, 200, { ...view(hook), passcode: hook.passcode });
      }
      if (requests) {
        const hook = state.webhooks.get(requests[1]!);
        if (!hook) return err(res, 404, 'Not found');
        const sent = [...state.pings, ...state.deliveries].filter((d) => d.webhookId === hook.id);
        return json(res, 200, {
          requests: sent.flatMap((d) => d.responses.map((status, i) => ({
            webhook_id: hook.id,
            request_info: { id: `${hook.id}-${i}`, endpoint: hook.endpoint, payload: { ...JSON.parse(d.body), passcode: '' }, sent_at: d.sentAt[i] },
            response_info: status === 0 ? null : { status: String(status), received_at: d.sentAt[i] },
            error_msg: status === 0 ? 'connection failed' : null,
          }))),
        });
      }
      if (one) {
        const hook = state.webhooks.get(one[1]!);
        if (!hook) return err(res, 404, 'Not found');
        if (req.method === 'GET') return json(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.webhooks.delete(hook.id);
          state.deletedWebhooks.push(hook);
          return json(res, 200, view(hook));
        }
      }
      return err(res, 404, 'Not found');
    })().catch((e: unknown) => err(res, 500, String(e)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeFigma = Object.assign(state, {
    url: origin,
    failNext(count: number, status: number, body: unknown = { status, err: 'Internal server error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(retryAfterSeconds: number) {
      failures.push({ status: 429, body: { status: 429, err: 'Rate limit exceeded' }, headers: { 'retry-after': String(retryAfterSeconds) } });
    },
    async deliver(webhookId: string, payload: Record<string, unknown>, opts: { passcode?: string | null; timestamp?: string } = {}) {
      const hook = state.webhooks.get(webhookId);
      if (!hook) throw new Error(`fake figma: no webhook ${webhookId}`);
      if (hook.status !== 'ACTIVE') throw new Error(`fake figma: webhook ${webhookId} is ${hook.status}; Figma sends nothing to it`);
      if (payload.event_type !== hook.event_type) throw new Error(`fake figma: webhook ${webhookId} is for ${hook.event_type}, not ${String(payload.event_type)}`);
      const { passcode: _ignored, ...rest } = payload;
      const passcode = opts.passcode === undefined ? hook.passcode : opts.passcode;
      const body = { ...rest, ...(passcode !== null ? { passcode } : {}), timestamp: opts.timestamp ?? payload.timestamp, webhook_id: hook.id };
      const delivery: FigmaDelivery = { webhookId, body: JSON.stringify(body), responses: [], sentAt: [] };
      state.deliveries.push(delivery);
      return post(hook.endpoint, delivery);
    },
    async retry(delivery: FigmaDelivery) {
      const hook = state.webhooks.get(delivery.webhookId);
      if (!hook) throw new Error(`fake figma: webhook ${delivery.webhookId} is gone`);
      return post(hook.endpoint, delivery);
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
