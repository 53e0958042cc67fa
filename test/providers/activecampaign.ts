// A fake ActiveCampaign account over real HTTP. Its base URL stands for the account host: the e2e tests set the
// project's apiBaseUrl to `${url}/{account}`, so every call arrives under `/{account}` and proves the account
// parameter was filled. Serves `POST /api/3/webhooks` (`{webhook: {name, url, events, sources, listid?}}` → 201
// `{webhook: {id, …}}`; 422 `{errors: [...]}` for an unknown list or a missing field), `GET`/`DELETE
// /api/3/webhooks/{id}` (404 `{message: "No Result found for Webhook with id …"}`), the `Api-Token` header
// (403 without a valid one, as ActiveCampaign answers) — and ActiveCampaign's side of webhooks: form-encoded
// bodies with bracketed keys POSTed to the webhook's URL exactly as registered, unsigned.
//
// Docs followed: https://developers.activecampaign.com/reference/authentication,
// https://developers.activecampaign.com/reference/webhooks, https://developers.activecampaign.com/page/webhooks
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface AcHook {
  id: string;
  name: string;
  url: string;
  events: string[];
  sources: string[];
  listid: string;
}

export interface FakeActiveCampaign {
  url: string;
  account: string;
  lists: Set<string>;
  validKeys: Set<string>;
  hooks: Map<string, AcHook>;
  deletedHooks: AcHook[];
  requests: Array<{ method: string; path: string; apiToken: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  deliver(id: string, event: Record<string, unknown>, opts?: { url?: string }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** `{contact: {id: '1'}}` → `contact[id]=1`, as ActiveCampaign encodes its webhook bodies. */
export function encodeAcForm(value: Record<string, unknown>): string {
  const out = new URLSearchParams();
  const walk = (prefix: string, v: unknown) => {
    if (v !== null && typeof v === 'object') for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(prefix === '' ? k : `${prefix}[${k}]`, child);
    else out.append(prefix, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
  };
  walk('', value);
  return out.toString();
}

export async function startFakeActiveCampaign(account = 'acme'): Promise<FakeActiveCampaign> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 7;
  const state = {
    account,
    lists: new Set<string>(['1', '3']),
    validKeys: new Set<string>(),
    hooks: new Map<string, AcHook>(),
    deletedHooks: [] as AcHook[],
    requests: [] as FakeActiveCampaign['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      const apiToken = typeof req.headers['api-token'] === 'string' ? req.headers['api-token'] : undefined;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, apiToken, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const prefix = `/${state.account}/api/3`;
      if (!url.pathname.startsWith(prefix + '/')) return json(res, 404, { message: 'Not Found' });
      if (!apiToken || !state.validKeys.has(apiToken)) return json(res, 403, { message: 'No Result found for User with id 0' });
      const path = url.pathname.slice(prefix.length);
      if (req.method === 'POST' && path === '/webhooks') {
        const w = body?.webhook ?? {};
        const errors: Array<{ title: string; detail: string; code: string; source: { pointer: string } }> = [];
        if (typeof w.url !== 'string' || !/^https?:\/\//.test(w.url)) errors.push({ title: 'The webhook URL is invalid', detail: '', code: 'field_invalid', source: { pointer: '/data/attributes/url' } });
        if (!Array.isArray(w.events) || w.events.length === 0) errors.push({ title: 'Webhook events are required', detail: '', code: 'field_missing', source: { pointer: '/data/attributes/events' } });
        if (!Array.isArray(w.sources) || w.sources.length === 0) errors.push({ title: 'Webhook sources are required', detail: '', code: 'field_missing', source: { pointer: '/data/attributes/sources' } });
        if (w.listid !== undefined && !state.lists.has(String(w.listid))) errors.push({ title: 'List does not exist', detail: '', code: 'related_missing', source: { pointer: '/data/attributes/listid' } });
        if (errors.length) return json(res, 422, { errors });
        const hook: AcHook = { id: String(nextId++), name: String(w.name ?? ''), url: w.url, events: w.events, sources: w.sources, listid: w.listid === undefined ? '0' : String(w.listid) };
        state.hooks.set(hook.id, hook);
        return json(res, 201, { webhook: { ...hook, cdate: '2026-03-02T10:00:00-06:00', links: [] } });
      }
      const one = /^\/webhooks\/([^/]+)$/.exec(path);
      if (one) {
        const hook = state.hooks.get(decodeURIComponent(one[1]!));
        if (!hook) return json(res, 404, { message: `No Result found for Webhook with id ${one[1]}` });
        if (req.method === 'GET') return json(res, 200, { webhook: hook });
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, {});
        }
      }
      return json(res, 404, { message: 'Not Found' });
    })().catch((err: unknown) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { message: 'Server Error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: string, event: Record<string, unknown>, o: { url?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake activecampaign: no webhook ${id}`);
      const res = await request(o.url ?? hook.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encodeAcForm(event) });
      return { status: res.statusCode, text: await res.body.text() };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
