// A fake Stripe over real HTTP, speaking the parts of the documented API the integration uses:
// form-encoded `POST /v1/webhook_endpoints` (url + enabled_events[], answers the endpoint with its `secret`),
// `GET` and `DELETE /v1/webhook_endpoints/{id}` (404 `resource_missing` when unknown; GET never shows the
// secret), `GET /v1/webhook_endpoints` (cursor pagination: limit, starting_after, has_more), `GET /v1/account`;
// Bearer secret-key auth (401 with Stripe's error body), Stripe's error shapes, scriptable 429/5xx, the
// per-account endpoint limit, and signed event deliveries (`Stripe-Signature: t=…,v1=…`) to the registered URLs.
//
// Signatures: deliveries are signed with Stripe's own `webhooks.generateTestHeaderString` (the `stripe` package,
// a dev dependency).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { request } from 'undici';

export interface FakeStripeEndpoint {
  id: string;
  url: string;
  enabled_events: string[];
  description: string | null;
  metadata: Record<string, string>;
  secret: string;
  status: 'enabled' | 'disabled';
  created: number;
}

export interface DeliveryResult {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface BuiltDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeStripe {
  /** Base URL of the API including `/v1`, i.e. what the integration's apiBaseUrl is set to. */
  apiBaseUrl: string;
  url: string;
  accountId: string;
  endpoints: Map<string, FakeStripeEndpoint>;
  /** Secret keys the API accepts. */
  validKeys: Set<string>;
  requests: Array<{ method: string; path: string; auth: string | undefined; form: URLSearchParams | null }>;
  /** Stripe refuses more endpoints than this per account (documented by third parties as 16). */
  endpointLimit: number;
  /** Answer the next N API requests with this status and Stripe's error body for it. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** The request Stripe would send for this event to an endpoint, signed at `timestamp` (seconds). */
  buildDelivery(endpointId: string, event: object, opts?: { timestamp?: number; secret?: string }): Promise<BuiltDelivery>;
  /** Send an event to an endpoint (a retry is simply the same event sent again). */
  deliver(endpointId: string, event: object, opts?: { timestamp?: number; secret?: string }): Promise<DeliveryResult>;
  close(): Promise<void>;
}

/** The `Stripe-Signature` header Stripe sends for this payload, by stripe-node's own test helper. */
export function stripeSignatureHeader(payload: string, secret: string, timestamp: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

const ERROR_BODIES: Record<number, { type: string; message: string; code?: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request' },
  401: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' },
  404: { type: 'invalid_request_error', message: 'No such webhook endpoint', code: 'resource_missing' },
  429: { type: 'invalid_request_error', message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.', code: 'rate_limit' },
  500: { type: 'api_error', message: 'An unknown error occurred' },
};

export async function startFakeStripe(): Promise<FakeStripe> {
  let failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let counter = 0;
  const state = {
    accountId: 'acct_1MoRdlLgUG5tbmjc',
    endpoints: new Map<string, FakeStripeEndpoint>(),
    validKeys: new Set(['sk_test_valid']),
    requests: [] as FakeStripe['requests'],
    endpointLimit: 16,
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++counter}`, ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, override: Partial<{ message: string; code: string; param: string }> = {}, headers: Record<string, string> = {}) => {
    const base = ERROR_BODIES[status] ?? { type: 'api_error', message: `HTTP ${status}` };
    send(res, status, { error: { ...base, ...override } }, headers);
  };
  const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  };
  const publicEndpoint = (e: FakeStripeEndpoint) => {
    const { secret: _secret, ...rest } = e;
    return { object: 'webhook_endpoint', api_version: null, application: null, livemode: false, ...rest };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const form = req.method === 'POST' ? await readForm(req) : null;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, auth: req.headers.authorization, form });
      const failure = failures.shift();
      if (failure) return error(res, failure.status, {}, failure.headers);
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!key || !state.validKeys.has(key)) return error(res, 401);

      if (req.method === 'GET' && url.pathname === '/v1/account') {
        return send(res, 200, { id: state.accountId, object: 'account', country: 'US', default_currency: 'usd', email: 'site@stripe.com' });
      }
      if (req.method === 'POST' && url.pathname === '/v1/webhook_endpoints' && form) {
        const target = form.get('url');
        const events = form.getAll('enabled_events[]');
        if (!target) return error(res, 400, { message: 'Missing required param: url.', param: 'url' });
        if (events.length === 0) return error(res, 400, { message: 'Missing required param: enabled_events.', param: 'enabled_events' });
        if (state.endpoints.size >= state.endpointLimit) {
          return error(res, 400, { message: `You have reached the maximum of ${state.endpointLimit} test webhook endpoints.` });
        }
        const metadata: Record<string, string> = {};
        for (const [k, v] of form) {
          const m = /^metadata\[(.+)\]$/.exec(k);
          if (m?.[1]) metadata[m[1]] = v;
        }
        const endpoint: FakeStripeEndpoint = {
          id: `we_${randomBytes(12).toString('hex')}`,
          url: target,
          enabled_events: events,
          description: form.get('description'),
          metadata,
          secret: `whsec_${randomBytes(24).toString('base64url')}`,
          status: 'enabled',
          created: Math.floor(Date.now() / 1000),
        };
        state.endpoints.set(endpoint.id, endpoint);
        return send(res, 200, { ...publicEndpoint(endpoint), secret: endpoint.secret });
      }
      if (req.method === 'GET' && url.pathname === '/v1/webhook_endpoints') {
        const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? '10'), 1), 100);
        const all = [...state.endpoints.values()].sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
        const after = url.searchParams.get('starting_after');
        const start = after ? all.findIndex((e) => e.id === after) + 1 : 0;
        const page = all.slice(start, start + limit);
        return send(res, 200, { object: 'list', url: '/v1/webhook_endpoints', has_more: start + limit < all.length, data: page.map(publicEndpoint) });
      }
      const one = /^\/v1\/webhook_endpoints\/([^/]+)$/.exec(url.pathname);
      if (one && req.method === 'GET') {
        // Retrieve a webhook endpoint: the object without its secret (only the create call returns it).
        const id = decodeURIComponent(one[1] ?? '');
        const endpoint = state.endpoints.get(id);
        if (!endpoint) return error(res, 404, { message: `No such webhook endpoint: '${id}'`, param: 'id' });
        return send(res, 200, publicEndpoint(endpoint));
      }
      if (one && req.method === 'DELETE') {
        const id = decodeURIComponent(one[1] ?? '');
        if (!state.endpoints.delete(id)) return error(res, 404, { message: `No such webhook endpoint: '${id}'`, param: 'id' });
        return send(res, 200, { id, object: 'webhook_endpoint', deleted: true });
      }
      return error(res, 404, { message: `Unrecognized request URL (${req.method}: ${url.pathname}).` });
    })().catch((err: unknown) => send(res, 500, { error: { type: 'api_error', message: String(err) } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  const buildDelivery: FakeStripe['buildDelivery'] = async (endpointId, event, opts = {}) => {
    const endpoint = state.endpoints.get(endpointId);
    if (!endpoint) throw new Error(`fake Stripe: no endpoint ${endpointId}`);
    if (endpoint.status === 'disabled') throw new Error(`fake Stripe: endpoint ${endpointId} is disabled; Stripe sends nothing to it`);
    const body = JSON.stringify(event, null, 2);
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = stripeSignatureHeader(body, opts.secret ?? endpoint.secret, timestamp);
    return {
      url: endpoint.url,
      body,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'stripe-signature': signature },
    };
  };

  const fake: FakeStripe = Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/v1`,
    failNext(count: number, status: number, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers }))];
    },
    buildDelivery,
    async deliver(endpointId: string, event: object, opts?: { timestamp?: number; secret?: string }) {
      const d = await buildDelivery(endpointId, event, opts);
      const res = await request(d.url, { method: 'POST', headers: d.headers, body: d.body });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
      return { status: res.statusCode, body: await res.body.text(), headers };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
