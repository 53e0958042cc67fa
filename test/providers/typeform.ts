// A fake Typeform over real HTTP: what the integration uses — `GET /me`, `GET /forms` (page, page_size ≤ 200,
// workspace_id, sort_by created_at/last_updated_at, order_by asc/desc), the form webhooks
// `PUT|GET|DELETE /forms/{form_id}/webhooks/{tag}` (PUT creates or updates by tag; 404 FORM_NOT_FOUND for an
// unknown form, 403 for a form of another account), the OAuth token endpoint (client id and secret in the form
// body, refresh_token grant) — and Typeform's side of webhooks: deliveries signed
// `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, raw body)>` computed with node:crypto exactly as the
// docs describe it (Typeform publishes no signing library), to enabled webhooks only; a 404 or 410 from the
// receiver disables the webhook, as Typeform documents. Errors are `{code, description}`; 429 when scripted.
//
// Docs followed: https://www.typeform.com/developers/webhooks/reference/create-or-update-webhook/,
// https://www.typeform.com/developers/webhooks/secure-your-webhooks/, https://www.typeform.com/developers/webhooks/,
// https://www.typeform.com/developers/create/reference/retrieve-forms/,
// https://www.typeform.com/developers/get-started/applications/
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface TypeformHook {
  id: string;
  form_id: string;
  tag: string;
  url: string;
  enabled: boolean;
  secret: string | null;
  verify_ssl: boolean;
  event_types: Record<string, boolean>;
  created_at: string;
  updated_at: string;
}

export interface TypeformForm {
  id: string;
  title: string;
  workspace: string;
  created_at: string;
  last_updated_at: string;
  /** Another account's form: its webhooks answer 403. */
  foreign?: boolean;
}

export interface TypeformDelivery {
  status: number;
  body: string;
  signature: string | undefined;
}

export interface FakeTypeform {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  userId: string;
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  forms: TypeformForm[];
  /** Keyed by `${form_id}/${tag}`. */
  hooks: Map<string, TypeformHook>;
  deletedHooks: TypeformHook[];
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  hooksFor(formId: string): TypeformHook[];
  /** POST a payload to a webhook as Typeform does; `secret` overrides the signing secret (forgeries). */
  deliver(hook: TypeformHook, payload: unknown, opts?: { secret?: string }): Promise<TypeformDelivery>;
  close(): Promise<void>;
}

/** The header Typeform sends: `sha256=` + base64 HMAC-SHA256(secret, raw body). */
export function typeformSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;
}

export async function startFakeTypeform(opts: { now?: () => number } = {}): Promise<FakeTypeform> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextHook = 1;
  const state = {
    clientId: 'typeform-client-id',
    clientSecret: 'typeform-client-secret',
    userId: '01HNB5DWZ4JXKMF6R3YV8TGQ2A',
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    forms: [
      { id: 'lT4Z3j', title: 'Webhooks example', workspace: 'ws1', created_at: '2018-01-10T10:00:00Z', last_updated_at: '2018-01-10T10:00:00Z' },
    ] as TypeformForm[],
    hooks: new Map<string, TypeformHook>(),
    deletedHooks: [] as TypeformHook[],
    requests: [] as FakeTypeform['requests'],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === null ? '' : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, description: string) => json(res, status, { code, description });
  /** The webhook as Typeform answers it (the reference lists `secret` in the schema; the fake leaves it out). */
  const view = (h: TypeformHook) => {
    const { secret: _secret, ...rest } = h;
    return rest;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization, body });

      if (req.method === 'POST' && url.pathname === '/oauth/token') {
        if (body.client_id !== state.clientId || body.client_secret !== state.clientSecret) return json(res, 401, { error: 'invalid_client' });
        if (body.grant_type !== 'refresh_token' || !state.refreshTokens.has(body.refresh_token)) return json(res, 400, { error: 'invalid_grant' });
        const accessToken = randomBytes(20).toString('hex');
        state.validTokens.add(accessToken);
        return json(res, 200, { access_token: accessToken, token_type: 'bearer', expires_in: 604800, refresh_token: body.refresh_token });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^bearer /i, '');
      if (!token || !state.validTokens.has(token)) return error(res, 401, 'AUTHENTICATION_FAILED', 'Authentication credentials not found on the Request Headers');

      if (req.method === 'GET' && url.pathname === '/me') {
        return json(res, 200, { alias: 'John Doe', email: 'john.doe@example.com', language: 'en', user_id: state.userId });
      }
      if (req.method === 'GET' && url.pathname === '/forms') {
        const q = url.searchParams;
        const page = Number(q.get('page') ?? '1');
        const size = Number(q.get('page_size') ?? '10');
        if (!(size >= 1 && size <= 200)) return error(res, 400, 'VALIDATION_ERROR', 'page_size must be between 1 and 200');
        const sortBy = q.get('sort_by') ?? 'last_updated_at';
        const desc = (q.get('order_by') ?? 'desc') === 'desc';
        const ws = q.get('workspace_id');
        const mine = state.forms.filter((f) => !f.foreign && (!ws || f.workspace === ws));
        const key = (f: TypeformForm) => (sortBy === 'created_at' ? f.created_at : f.last_updated_at);
        mine.sort((a, b) => (desc ? key(b).localeCompare(key(a)) : key(a).localeCompare(key(b))));
        const items = mine.slice((page - 1) * size, page * size).map((f) => ({
          id: f.id, title: f.title, created_at: f.created_at, last_updated_at: f.last_updated_at, settings: { is_public: true },
          self: { href: `https://api.typeform.com/forms/${f.id}` }, _links: { display: `https://example.typeform.com/to/${f.id}` },
        }));
        return json(res, 200, { total_items: mine.length, page_count: Math.max(1, Math.ceil(mine.length / size)), items });
      }
      const one = /^\/forms\/([^/]+)\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (one) {
        const [formId, tag] = [one[1]!, one[2]!];
        const form = state.forms.find((f) => f.id === formId);
        if (!form) return error(res, 404, 'FORM_NOT_FOUND', `Non existing form with uid ${formId}`);
        if (form.foreign) return error(res, 403, 'FORBIDDEN', 'You do not have permission to access this form');
        const key = `${formId}/${tag}`;
        const existing = state.hooks.get(key);
        if (req.method === 'PUT') {
          if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return json(res, 400, { code: 'VALIDATION_ERROR', description: 'Validation error', details: [{ code: 'INVALID_URL', description: 'url is invalid', field: 'url' }] });
          const stamp = new Date(now()).toISOString();
          const hook: TypeformHook = {
            id: existing?.id ?? `hook${nextHook++}`, form_id: formId, tag, url: body.url,
            enabled: body.enabled === true, secret: typeof body.secret === 'string' ? body.secret : existing?.secret ?? null,
            verify_ssl: body.verify_ssl !== false, event_types: body.event_types ?? existing?.event_types ?? { form_response: true },
            created_at: existing?.created_at ?? stamp, updated_at: stamp,
          };
          state.hooks.set(key, hook);
          return json(res, 200, view(hook));
        }
        if (!existing) return error(res, 404, 'NOT_FOUND', 'Webhook not found');
        if (req.method === 'GET') return json(res, 200, view(existing));
        if (req.method === 'DELETE') {
          state.hooks.delete(key);
          state.deletedHooks.push(existing);
          res.writeHead(204);
          return res.end();
        }
      }
      return error(res, 404, 'NOT_FOUND', 'Endpoint not found');
    })().catch((err: unknown) => json(res, 500, { code: 'INTERNAL_ERROR', description: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeTypeform = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/oauth/token`,
    failNext(count: number, status: number, body: unknown = { code: 'INTERNAL_ERROR', description: 'Something went wrong' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    hooksFor: (formId: string) => [...state.hooks.values()].filter((h) => h.form_id === formId),
    async deliver(hook: TypeformHook, payload: unknown, o: { secret?: string } = {}) {
      const current = state.hooks.get(`${hook.form_id}/${hook.tag}`);
      if (!current || current.id !== hook.id) throw new Error(`fake typeform: webhook ${hook.tag} on ${hook.form_id} does not exist`);
      if (!current.enabled) throw new Error(`fake typeform: webhook ${hook.tag} is disabled; Typeform sends nothing to it`);
      const body = JSON.stringify(payload);
      const secret = o.secret ?? current.secret;
      const signature = secret ? typeformSignature(secret, body) : undefined;
      const res = await request(current.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Typeform Webhooks', ...(signature ? { 'typeform-signature': signature } : {}) },
        body,
      });
      await res.body.text();
      // "If 410 Gone or 404 Not Found HTTP status is received, no retry is performed, and the webhook is disabled."
      if (res.statusCode === 404 || res.statusCode === 410) current.enabled = false;
      return { status: res.statusCode, body, signature };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
