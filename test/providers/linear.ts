// A fake Linear over real HTTP: the GraphQL endpoint (`POST /graphql`) with the operations the integration
// uses — `webhookCreate(input: WebhookCreateInput!)`, `webhookDelete(id)`, the `webhook(id)` query (selected
// fields; "Entity not found" for an unknown id), `viewer`/`organization` — Linear's
// GraphQL error shapes (`errors[].extensions.code`: AUTHENTICATION_ERROR, FORBIDDEN, INVALID_INPUT,
// RATELIMITED with X-RateLimit-Requests-* headers), the OAuth token endpoint (`POST /oauth/token`, refresh
// grant), and signed webhook deliveries: `Linear-Signature` = hex HMAC-SHA256 of the raw body (the rule of
// @linear/sdk's LinearWebhookClient.verify), a fresh `webhookTimestamp` (ms) per attempt, and a
// `Linear-Delivery` id that stays the same when a delivery is retried.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface FakeLinearWebhook {
  id: string;
  url: string;
  resourceTypes: string[];
  teamId: string | null;
  allPublicTeams: boolean;
  label: string | null;
  secret: string;
  enabled: boolean;
}

export interface LinearDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
  deliveryId: string;
}

export interface FakeLinear {
  url: string;
  organizationId: string;
  teams: Set<string>;
  webhooks: Map<string, FakeLinearWebhook>;
  /** Access token → scopes. Anything else gets AUTHENTICATION_ERROR (HTTP 401). */
  tokens: Map<string, string[]>;
  refreshTokens: Set<string>;
  requests: Array<{ path: string; auth: string | undefined; operation: string; variables: Record<string, unknown> }>;
  tokenRequests: URLSearchParams[];
  /** Answer the next N GraphQL requests with RATELIMITED (HTTP 400, reset header `resetInMs` ahead). */
  rateLimitNext(count: number, resetInMs?: number): void;
  /** Answer the next N requests with a bare HTTP status. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** The request Linear sends to a webhook for `payload` (an EntityWebhookPayload without webhookId/webhookTimestamp). */
  buildDelivery(webhookId: string, payload: Record<string, unknown>, opts?: { deliveryId?: string; timestampMs?: number; secret?: string }): LinearDelivery;
  deliver(webhookId: string, payload: Record<string, unknown>, opts?: { deliveryId?: string; timestampMs?: number; secret?: string }): Promise<{ status: number; body: string; deliveryId: string }>;
  close(): Promise<void>;
}

/** Linear's signature: lowercase hex HMAC-SHA256 of the raw body with the webhook secret. */
export function linearSignature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

type Gql = { query?: string; variables?: Record<string, unknown>; operationName?: string };

export async function startFakeLinear(): Promise<FakeLinear> {
  let failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let rateLimited: number[] = [];
  const state = {
    organizationId: '9d5ed7c5-4f0e-4d1b-9d7a-3c1f2e0f4a11',
    teams: new Set(['72b2a2dc-6f4f-4423-9d34-24b5bd10634a']),
    webhooks: new Map<string, FakeLinearWebhook>(),
    tokens: new Map<string, string[]>([['lin_oauth_valid', ['read', 'admin']]]),
    refreshTokens: new Set(['lin_refresh_1']),
    requests: [] as FakeLinear['requests'],
    tokenRequests: [] as URLSearchParams[],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const gqlError = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { errors: [{ message, extensions: { code, type: code.toLowerCase().replace(/_/g, ' '), userPresentableMessage: message } }], data: null }, headers);
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = await readBody(req);
      const failure = failures.shift();
      if (failure) {
        res.writeHead(failure.status, failure.headers);
        res.end();
        return;
      }

      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const form = new URLSearchParams(text);
        state.tokenRequests.push(form);
        const refresh = form.get('refresh_token');
        if (form.get('grant_type') !== 'refresh_token' || !refresh || !state.refreshTokens.has(refresh)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        }
        state.refreshTokens.delete(refresh);
        const access = `lin_oauth_${randomBytes(8).toString('hex')}`;
        const next = `lin_refresh_${randomBytes(8).toString('hex')}`;
        state.tokens.set(access, ['read', 'admin']);
        state.refreshTokens.add(next);
        return json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 86399, scope: 'read,admin', refresh_token: next });
      }
      if (req.method !== 'POST' || url.pathname !== '/graphql') return json(res, 404, { error: 'Not found' });

      let gql: Gql;
      try {
        gql = JSON.parse(text) as Gql;
      } catch {
        return gqlError(res, 400, 'GRAPHQL_PARSE_FAILED', 'Body is not valid JSON');
      }
      const query = gql.query ?? '';
      const variables = gql.variables ?? {};
      const operation = /webhookCreate/.test(query) ? 'webhookCreate'
        : /webhookDelete/.test(query) ? 'webhookDelete'
          : /\bwebhook\s*\(/.test(query) ? 'webhook'
            : /organization|viewer/.test(query) ? 'account' : 'unknown';
      state.requests.push({ path: url.pathname, auth: req.headers.authorization, operation, variables });

      const resetAt = rateLimited.shift();
      if (resetAt !== undefined) {
        return gqlError(res, 400, 'RATELIMITED', 'Rate limit exceeded', {
          'x-ratelimit-requests-limit': '1500', 'x-ratelimit-requests-remaining': '0', 'x-ratelimit-requests-reset': String(resetAt),
        });
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const scopes = token ? state.tokens.get(token) : undefined;
      if (!scopes) return gqlError(res, 401, 'AUTHENTICATION_ERROR', 'Authentication required, not authenticated');

      if (operation === 'account') {
        return json(res, 200, { data: { viewer: { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Jane Doe', email: 'jane@example.com' }, organization: { id: state.organizationId, name: 'Company', urlKey: 'company' } } });
      }
      if (operation === 'webhookCreate' || operation === 'webhookDelete' || operation === 'webhook') {
        if (!scopes.includes('admin')) return gqlError(res, 400, 'FORBIDDEN', 'Invalid scope: `admin` required');
      }
      if (operation === 'webhookCreate') {
        const input = (variables.input ?? {}) as Record<string, unknown>;
        if (typeof input.url !== 'string' || !Array.isArray(input.resourceTypes) || input.resourceTypes.length === 0) {
          return gqlError(res, 400, 'INVALID_INPUT', 'Argument Validation Error: url and resourceTypes are required');
        }
        const teamId = typeof input.teamId === 'string' ? input.teamId : null;
        if (teamId === null && input.allPublicTeams !== true) return gqlError(res, 400, 'INVALID_INPUT', 'You must specify a team or select all public teams');
        if (teamId !== null && !state.teams.has(teamId)) return gqlError(res, 400, 'INVALID_INPUT', 'Entity not found: Team - Could not find referenced Team.');
        const hook: FakeLinearWebhook = {
          id: randomUUID(),
          url: input.url,
          resourceTypes: input.resourceTypes as string[],
          teamId,
          allPublicTeams: teamId === null,
          label: typeof input.label === 'string' ? input.label : null,
          secret: typeof input.secret === 'string' && input.secret !== '' ? input.secret : `lin_wh_${randomBytes(24).toString('hex')}`,
          enabled: input.enabled !== false,
        };
        state.webhooks.set(hook.id, hook);
        return json(res, 200, { data: { webhookCreate: { success: true, lastSyncId: 1, webhook: { id: hook.id, enabled: hook.enabled, secret: hook.secret } } } });
      }
      if (operation === 'webhookDelete') {
        const id = typeof variables.id === 'string' ? variables.id : '';
        if (!state.webhooks.delete(id)) return gqlError(res, 400, 'INVALID_INPUT', 'Entity not found: Webhook - Could not find referenced Webhook.');
        return json(res, 200, { data: { webhookDelete: { success: true, lastSyncId: 2 } } });
      }
      if (operation === 'webhook') {
        // `Query.webhook(id: String!): Webhook!` is non-null: an unknown id is an error with no data, worded like
        // Linear's "Entity not found: <Type> - Could not find referenced <Type>." (seen for other entities).
        const id = typeof variables.id === 'string' ? variables.id : '';
        const hook = state.webhooks.get(id);
        if (!hook) {
          return json(res, 200, {
            errors: [{
              message: 'Entity not found: Webhook - Could not find referenced Webhook.', path: ['webhook'],
              extensions: { code: 'INVALID_INPUT', type: 'invalid input', userError: true, userPresentableMessage: 'Could not find referenced Webhook.' },
            }],
            data: null,
          });
        }
        // Only the selected fields, as GraphQL answers (the secret is readable too, but only when asked for).
        const selection = /\bwebhook\s*\([^)]*\)\s*\{([^}]*)\}/.exec(query)?.[1] ?? '';
        const fields: Record<string, unknown> = { id: hook.id, url: hook.url, enabled: hook.enabled, label: hook.label, resourceTypes: hook.resourceTypes, allPublicTeams: hook.allPublicTeams, secret: hook.secret };
        const selected = Object.fromEntries(Object.entries(fields).filter(([name]) => new RegExp(`\\b${name}\\b`).test(selection)));
        return json(res, 200, { data: { webhook: selected } });
      }
      return gqlError(res, 400, 'GRAPHQL_VALIDATION_FAILED', 'Unknown operation');
    })().catch((err: unknown) => json(res, 500, { errors: [{ message: String(err) }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const buildDelivery: FakeLinear['buildDelivery'] = (webhookId, payload, opts = {}) => {
    const hook = state.webhooks.get(webhookId);
    if (!hook) throw new Error(`fake Linear: no webhook ${webhookId}`);
    const body = JSON.stringify({ ...payload, organizationId: state.organizationId, webhookId, webhookTimestamp: opts.timestampMs ?? Date.now() });
    const deliveryId = opts.deliveryId ?? randomUUID();
    return {
      url: hook.url,
      body,
      deliveryId,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Linear-Webhook',
        'linear-delivery': deliveryId,
        'linear-event': String(payload.type),
        'linear-signature': linearSignature(body, opts.secret ?? hook.secret),
      },
    };
  };

  const fake: FakeLinear = Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    rateLimitNext(count: number, resetInMs = 1000) {
      rateLimited = [...rateLimited, ...Array.from({ length: count }, () => Date.now() + resetInMs)];
    },
    failNext(count: number, status: number, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers }))];
    },
    buildDelivery,
    async deliver(webhookId: string, payload: Record<string, unknown>, opts?: { deliveryId?: string; timestampMs?: number; secret?: string }) {
      if (state.webhooks.get(webhookId)?.enabled === false) throw new Error(`fake Linear: webhook ${webhookId} is disabled; Linear sends nothing to it`);
      const d = buildDelivery(webhookId, payload, opts);
      const res = await request(d.url, { method: 'POST', headers: d.headers, body: d.body });
      return { status: res.statusCode, body: await res.body.text(), deliveryId: d.deliveryId };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
