// A fake Tally over real HTTP: what the integration uses — `GET /forms` (page, limit ≤ 500 → `{items, page, limit,
// total, hasMore}`), `POST /webhooks` ({formId, url, eventTypes, signingSecret?, httpHeaders?} → 201 with the
// webhook; 404 for an unknown form, 403 for another user's form, 400 for a bad url or event type) and
// `DELETE /webhooks/{id}` (204; 404 when unknown) — behind `Authorization: Bearer <api key>` (401 otherwise), with
// 429 and other failures when scripted. And Tally's side of webhooks: the `FORM_RESPONSE` body POSTed to the
// webhook's URL with `Tally-Signature: <base64 HMAC-SHA256(signing secret, raw body)>` when a signing secret is
// set, computed here with node:crypto exactly as Tally's help describes it, independently of the SDK's signer.
//
// Docs followed: https://developers.tally.so/api-reference/introduction,
// https://developers.tally.so/api-reference/endpoint/webhooks/post, .../webhooks/delete, .../forms/list,
// https://tally.so/help/webhooks.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface TallyHook {
  id: string;
  formId: string;
  url: string;
  eventTypes: string[];
  signingSecret: string | null;
  httpHeaders: Array<{ name: string; value: string }>;
  isEnabled: boolean;
  createdAt: string;
}

export interface TallyFormRow {
  id: string;
  name: string;
  workspaceId: string;
  status: string;
  numberOfSubmissions: number;
  isClosed: boolean;
  createdAt: string;
  updatedAt: string;
  /** Another user's form: creating a webhook on it answers 403. */
  foreign?: boolean;
}

export interface FakeTally {
  url: string;
  apiKey: string;
  forms: TallyFormRow[];
  hooks: Map<string, TallyHook>;
  deletedHooks: TallyHook[];
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  hooksFor(formId: string): TallyHook[];
  /** POST a body to the webhook as Tally does; `secret` overrides the signing secret (forgeries), `rawBody` the bytes sent. */
  deliver(hook: TallyHook, payload: unknown, opts?: { secret?: string; signature?: string; rawBody?: string }): Promise<{ status: number }>;
  close(): Promise<void>;
}

/** The `Tally-Signature` value: base64 of HMAC-SHA256 over the raw body, keyed with the signing secret. */
export function tallySignature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export async function startFakeTally(): Promise<FakeTally> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextHook = 1;
  const state = {
    apiKey: `tly-${randomBytes(16).toString('hex')}`,
    forms: [
      { id: 'mexJoq', name: 'Customer feedback', workspaceId: 'w8bGdN', status: 'PUBLISHED', numberOfSubmissions: 4, isClosed: false, createdAt: '2024-12-30T08:41:12.000Z', updatedAt: '2024-12-30T09:02:01.000Z' },
      { id: 'VwbNEw', name: 'Webhook payload', workspaceId: 'w8bGdN', status: 'PUBLISHED', numberOfSubmissions: 0, isClosed: false, createdAt: '2023-06-28T14:00:00.000Z', updatedAt: '2023-06-28T14:00:00.000Z' },
      { id: 'nPq8Zr', name: 'Someone else\'s form', workspaceId: 'x1', status: 'PUBLISHED', numberOfSubmissions: 0, isClosed: false, createdAt: '2023-01-01T00:00:00.000Z', updatedAt: '2023-01-01T00:00:00.000Z', foreign: true },
    ] as TallyFormRow[],
    hooks: new Map<string, TallyHook>(),
    deletedHooks: [] as TallyHook[],
    requests: [] as FakeTally['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === null ? '' : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string) => json(res, status, { message });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization, body });

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers.authorization !== `Bearer ${state.apiKey}`) return error(res, 401, 'Unauthorized');

      if (req.method === 'GET' && url.pathname === '/forms') {
        const page = Number(url.searchParams.get('page') ?? '1');
        const limit = Number(url.searchParams.get('limit') ?? '50');
        if (!(limit >= 1 && limit <= 500) || !(page >= 1)) return error(res, 400, 'Invalid pagination parameters');
        const mine = state.forms.filter((f) => !f.foreign);
        const items = mine.slice((page - 1) * limit, page * limit).map(({ foreign: _f, ...f }) => f);
        return json(res, 200, { items, page, limit, total: mine.length, hasMore: page * limit < mine.length });
      }
      if (req.method === 'POST' && url.pathname === '/webhooks') {
        const form = state.forms.find((f) => f.id === body.formId);
        if (!form) return error(res, 404, 'Form not found');
        if (form.foreign) return error(res, 403, 'Forbidden');
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return error(res, 400, 'url must be a valid URL');
        if (!Array.isArray(body.eventTypes) || body.eventTypes.some((e: unknown) => e !== 'FORM_RESPONSE')) return error(res, 400, 'eventTypes must be an array of FORM_RESPONSE');
        const hook: TallyHook = {
          id: `wh${nextHook++}${randomBytes(3).toString('hex')}`, formId: form.id, url: body.url, eventTypes: body.eventTypes,
          signingSecret: typeof body.signingSecret === 'string' ? body.signingSecret : null,
          httpHeaders: Array.isArray(body.httpHeaders) ? body.httpHeaders : [], isEnabled: true, createdAt: new Date().toISOString(),
        };
        state.hooks.set(hook.id, hook);
        const { signingSecret: _s, ...view } = hook;
        return json(res, 201, view);
      }
      const del = /^\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'DELETE' && del) {
        const hook = state.hooks.get(del[1]!);
        if (!hook) return error(res, 404, 'Webhook not found');
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        res.writeHead(204);
        return res.end();
      }
      return error(res, 404, 'Not found');
    })().catch((err: unknown) => error(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { message: 'Something went wrong' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    hooksFor: (formId: string) => [...state.hooks.values()].filter((h) => h.formId === formId),
    async deliver(hook: TallyHook, payload: unknown, o: { secret?: string; signature?: string; rawBody?: string } = {}) {
      if (!state.hooks.has(hook.id)) throw new Error(`fake tally: webhook ${hook.id} does not exist`);
      const raw = o.rawBody ?? JSON.stringify(payload);
      const secret = o.secret ?? hook.signingSecret;
      const signature = o.signature ?? (secret ? tallySignature(secret, JSON.stringify(payload)) : undefined);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Tally Webhooks' };
      for (const h of hook.httpHeaders) headers[h.name.toLowerCase()] = h.value;
      if (signature !== undefined) headers['tally-signature'] = signature;
      const res = await request(hook.url, { method: 'POST', headers, body: raw });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
