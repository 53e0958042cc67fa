// A fake Contentful Content Management API over real HTTP: what the integration uses — `GET /users/me`,
// `POST /spaces/{space_id}/webhook_definitions` ({name, url, topics, filters, headers: [{key, value, secret?}],
// active} → 201 with the definition, secret header values left out), `GET` and `DELETE`
// `/spaces/{space_id}/webhook_definitions/{id}` (404 NotFound when unknown) — behind `Authorization: Bearer <token>`
// (a personal access token or an OAuth token issued by its `POST /oauth/token`, authorization_code with client_id,
// client_secret, code, redirect_uri; no refresh token). Errors answer `{sys: {type: "Error", id}, message, requestId}`;
// a space the token cannot reach → 404 NotFound; a read-only OAuth token writing → 403 AccessDenied; 429 with
// X-Contentful-RateLimit-Reset when scripted. And Contentful's side of webhooks: the entity POSTed with
// `Content-Type: application/vnd.contentful.management.v1+json`, `X-Contentful-Topic: ContentManagement.<topic>`,
// `X-Contentful-Webhook-Name` and the definition's custom headers, only when the topic and filters match.
//
// Docs followed: https://www.contentful.com/developers/docs/references/content-management-api/#/reference/webhooks,
// …/docs/webhooks/filters/, …/docs/webhooks/headers/, …/docs/extensibility/oauth/
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface ContentfulHook {
  id: string;
  spaceId: string;
  name: string;
  url: string;
  topics: string[];
  filters: unknown[];
  headers: Array<{ key: string; value: string; secret?: boolean }>;
  active: boolean;
}

export interface FakeContentful {
  apiBaseUrl: string;
  tokenUrl: string;
  token: string;
  userId: string;
  spaces: string[];
  hooks: Map<string, ContentfulHook>;
  deletedHooks: ContentfulHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; contentType: string | undefined; body: any }>;
  clientId: string;
  clientSecret: string;
  /** authorization code → the token it grants and its scope. */
  codes: Map<string, { token: string; scope: string }>;
  /** OAuth tokens accepted now → their scope. */
  tokens: Map<string, string>;
  tokenRequests: Array<Record<string, string>>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** The value of our secret header on a hook. */
  secretOf(id: string): string | undefined;
  /**
   * Send `entity` as the event `topic` (e.g. `Entry.publish`) to the hook, as Contentful does — unless the hook is
   * inactive or its topics or filters do not match (returns null: nothing sent). `headers` override or add headers.
   */
  deliver(id: string, topic: string, entity: unknown, opts?: { headers?: Record<string, string | undefined> }): Promise<{ status: number } | null>;
  close(): Promise<void>;
}

function docValue(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
}

/** Contentful's filter language, the parts the integration uses: equals, in, not. */
function matches(filter: any, entity: unknown): boolean {
  if (filter.not) return !matches(filter.not, entity);
  if (filter.equals) return docValue(entity, filter.equals[0].doc) === filter.equals[1];
  if (filter.in) return (filter.in[1] as unknown[]).includes(docValue(entity, filter.in[0].doc));
  throw new Error(`fake contentful: unsupported filter ${JSON.stringify(filter)}`);
}

const validFilter = (f: any): boolean => {
  if (!f || typeof f !== 'object') return false;
  if (f.not) return validFilter(f.not);
  const pair = f.equals ?? f.in ?? f.regexp;
  return Array.isArray(pair) && pair.length === 2 && typeof pair[0]?.doc === 'string'
    && ['sys.id', 'sys.environment.sys.id', 'sys.contentType.sys.id', 'sys.createdBy.sys.id', 'sys.updatedBy.sys.id', 'sys.deletedBy.sys.id'].includes(pair[0].doc);
};

export async function startFakeContentful(): Promise<FakeContentful> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    token: 'CFPAT-3f0c2b7a9d1e4f6a8b5c0d2e7f9a1b3c',
    userId: '7BslKh9TdKGOK41VmLDjFZ',
    spaces: ['yadj1kx9rmg0'],
    hooks: new Map<string, ContentfulHook>(),
    deletedHooks: [] as ContentfulHook[],
    requests: [] as FakeContentful['requests'],
    clientId: 'cf-oauth-client',
    clientSecret: 'cf-oauth-secret',
    codes: new Map<string, { token: string; scope: string }>(),
    tokens: new Map<string, string>(),
    tokenRequests: [] as Array<Record<string, string>>,
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/vnd.contentful.management.v1+json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, id: string, message: string, details?: unknown) =>
    json(res, status, { sys: { type: 'Error', id }, message, ...(details ? { details } : {}), requestId: randomUUID() });
  const view = (h: ContentfulHook) => ({
    sys: { type: 'WebhookDefinition', id: h.id, version: 1, space: { sys: { type: 'Link', linkType: 'Space', id: h.spaceId } }, createdAt: new Date().toISOString() },
    name: h.name, url: h.url, topics: h.topics, filters: h.filters, active: h.active,
    // "A secret header value can not be revealed in plain text anywhere in the system, including … API responses."
    headers: h.headers.map((x) => (x.secret ? { key: x.key, secret: true } : { key: x.key, value: x.value })),
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        const form = Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        state.tokenRequests.push(form);
        if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret) return json(res, 401, { error: 'invalid_client' });
        if (form.grant_type !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type' });
        const grant = state.codes.get(form.code ?? '');
        if (!grant || !form.redirect_uri) return json(res, 400, { error: 'invalid_grant' });
        state.codes.delete(form.code!);
        state.tokens.set(grant.token, grant.scope);
        return json(res, 200, { access_token: grant.token, token_type: 'bearer', scope: grant.scope, created_at: Math.floor(Date.now() / 1000) });
      }
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, contentType: req.headers['content-type'], body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const scope = state.tokens.get(bearer);
      if (bearer !== state.token && scope === undefined) return error(res, 401, 'AccessTokenInvalid', 'The access token you sent could not be found or is invalid.');
      if (req.method === 'GET' && url.pathname === '/users/me') {
        return json(res, 200, { sys: { type: 'User', id: state.userId }, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
      }
      const m = /^\/spaces\/([^/]+)\/webhook_definitions(?:\/([^/]+))?$/.exec(url.pathname);
      if (!m) return error(res, 404, 'NotFound', 'The resource could not be found.');
      const spaceId = decodeURIComponent(m[1]!);
      if (!state.spaces.includes(spaceId)) return error(res, 404, 'NotFound', 'The resource could not be found.', { type: 'Space', id: spaceId });
      if (req.method !== 'GET' && scope !== undefined && !scope.split(' ').includes('content_management_manage')) {
        return error(res, 403, 'AccessDenied', 'Forbidden', { reasons: 'content_management_manage scope required' });
      }
      if (!m[2] && req.method === 'POST') {
        if (!(req.headers['content-type'] ?? '').startsWith('application/vnd.contentful.management.v1+json')) return error(res, 415, 'UnsupportedMediaType', 'Unsupported media type');
        const problems: Array<{ name: string; path: string[] }> = [];
        if (typeof body.name !== 'string' || body.name === '') problems.push({ name: 'required', path: ['name'] });
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) problems.push({ name: 'invalid', path: ['url'] });
        if (!Array.isArray(body.topics) || body.topics.length === 0 || !body.topics.every((t: unknown) => typeof t === 'string' && /^(\*|[A-Za-z]+)\.(\*|[a-z_]+)$/.test(t))) problems.push({ name: 'invalid', path: ['topics'] });
        if (body.filters !== undefined && (!Array.isArray(body.filters) || !body.filters.every(validFilter))) problems.push({ name: 'invalid', path: ['filters'] });
        if (body.headers !== undefined && (!Array.isArray(body.headers) || !body.headers.every((h: any) => typeof h?.key === 'string' && typeof h?.value === 'string'))) problems.push({ name: 'invalid', path: ['headers'] });
        if (problems.length) return error(res, 422, 'ValidationFailed', 'Validation error', { errors: problems });
        const hook: ContentfulHook = {
          id: randomUUID().replace(/-/g, '').slice(0, 22), spaceId, name: body.name, url: body.url, topics: body.topics, filters: body.filters ?? [],
          headers: body.headers ?? [], active: body.active !== false,
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, view(hook));
      }
      if (m[2]) {
        const hook = state.hooks.get(decodeURIComponent(m[2]));
        if (!hook || hook.spaceId !== spaceId) return error(res, 404, 'NotFound', 'The resource could not be found.', { type: 'WebhookDefinition', id: m[2] });
        if (req.method === 'GET') return json(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204).end();
          return;
        }
      }
      return error(res, 404, 'NotFound', 'The resource could not be found.');
    })().catch((err: unknown) => error(res, 500, 'ServerError', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    apiBaseUrl: base,
    tokenUrl: `${base}/oauth/token`,
    failNext(count: number, status: number, body: unknown = { sys: { type: 'Error', id: 'ServerError' }, message: 'Internal server error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    secretOf(id: string) {
      return state.hooks.get(id)?.headers.find((h) => h.secret)?.value;
    },
    async deliver(id: string, topic: string, entity: unknown, o: { headers?: Record<string, string | undefined> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake contentful: no webhook ${id}`);
      const [type, action] = topic.split('.');
      const topicMatches = hook.topics.some((t) => { const [ht, ha] = t.split('.'); return (ht === '*' || ht === type) && (ha === '*' || ha === action); });
      if (!hook.active || !topicMatches || !hook.filters.every((f) => matches(f, entity))) return null;
      const headers: Record<string, string> = {
        'content-type': 'application/vnd.contentful.management.v1+json',
        'x-contentful-topic': `ContentManagement.${topic}`,
        'x-contentful-webhook-name': hook.name,
        ...Object.fromEntries(hook.headers.map((h) => [h.key, h.value])),
      };
      for (const [k, v] of Object.entries(o.headers ?? {})) {
        const existing = Object.keys(headers).find((h) => h.toLowerCase() === k.toLowerCase());
        if (existing) delete headers[existing];
        if (v !== undefined) headers[k] = v;
      }
      const res = await request(hook.url, { method: 'POST', headers, body: JSON.stringify(entity) });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
