// A fake Mailchimp over real HTTP, serving the login host and one data center's API host at once (its base URL
// is the `api_endpoint` the metadata hands out): `GET /oauth2/metadata` (`Authorization: OAuth <token>`),
// `POST /3.0/lists/{list_id}/webhooks` (a GET to the URL first — Mailchimp creates the webhook only when the URL
// answers it with 200 —, then `{id, url, events, sources, list_id}`; 404 for an unknown audience),
// `GET`/`DELETE /3.0/lists/{list_id}/webhooks/{webhook_id}` (404 when unknown), errors as problem documents —
// and Mailchimp's side of webhooks: `application/x-www-form-urlencoded` bodies with bracketed keys POSTed to
// the webhook's URL exactly as registered (query string included), unsigned; a retry is the same request again.
//
// Docs followed: https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/,
// https://mailchimp.com/developer/marketing/api/list-webhooks/,
// https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/, https://mailchimp.com/developer/marketing/docs/errors/
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface MailchimpHook {
  id: string;
  list_id: string;
  url: string;
  events: Record<string, boolean>;
  sources: Record<string, boolean>;
}

export interface FakeMailchimp {
  /** The account's api_endpoint and the login host at once. */
  url: string;
  accountId: number;
  lists: Set<string>;
  validTokens: Set<string>;
  hooks: Map<string, MailchimpHook>;
  deletedHooks: MailchimpHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  /** What the validation GETs answered. */
  validations: Array<{ url: string; status: number }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** POST an event as Mailchimp does (form-encoded, to the URL as registered, or `url` to forge one). */
  deliver(id: string, event: Record<string, unknown>, opts?: { url?: string }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** `{data: {merges: {FNAME: 'x'}}}` → `data[merges][FNAME]=x`, as Mailchimp encodes its webhook bodies. */
export function encodeMailchimpForm(value: Record<string, unknown>): string {
  const out = new URLSearchParams();
  const walk = (prefix: string, v: unknown) => {
    if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(prefix === '' ? k : `${prefix}[${k}]`, child);
    } else {
      out.append(prefix, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
    }
  };
  walk('', value);
  return out.toString();
}

export async function startFakeMailchimp(): Promise<FakeMailchimp> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 0x4b3c2a10;
  const state = {
    accountId: 42,
    lists: new Set<string>(['a6b5da1054']),
    validTokens: new Set<string>(),
    hooks: new Map<string, MailchimpHook>(),
    deletedHooks: [] as MailchimpHook[],
    requests: [] as FakeMailchimp['requests'],
    validations: [] as FakeMailchimp['validations'],
  };
  let base = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const problem = (res: ServerResponse, status: number, title: string, detail: string) =>
    json(res, status, { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: '995c5cb0-3280-4a6e-808b-3b096d0bb219' });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);

      if (req.method === 'GET' && url.pathname === '/oauth2/metadata') {
        const token = req.headers.authorization?.replace(/^OAuth /, '');
        if (!req.headers.authorization?.startsWith('OAuth ') || !token || !state.validTokens.has(token)) return json(res, 401, { error: 'invalid_token' });
        return json(res, 200, {
          dc: 'us6', role: 'owner', accountname: "Freddie's Jokes", user_id: state.accountId,
          login: { email: 'freddie@example.com', avatar: null, login_id: 43, login_name: 'freddie', login_email: 'freddie@example.com' },
          login_url: 'https://login.mailchimp.com', api_endpoint: base,
        });
      }

      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!req.headers.authorization?.startsWith('Bearer ') || !token || !state.validTokens.has(token)) {
        return problem(res, 401, 'API Key Invalid', 'Your request did not include an API key.');
      }
      const hooks = /^\/3\.0\/lists\/([^/]+)\/webhooks$/.exec(url.pathname);
      const one = /^\/3\.0\/lists\/([^/]+)\/webhooks\/([^/]+)$/.exec(url.pathname);
      const listId = decodeURIComponent((hooks ?? one)?.[1] ?? '');
      if ((hooks || one) && !state.lists.has(listId)) return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');

      if (req.method === 'POST' && hooks) {
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return problem(res, 400, 'Invalid Resource', 'The resource submitted could not be validated.');
        // Mailchimp checks the URL with a GET before it creates the webhook.
        const check = await request(body.url, { method: 'GET', headers: { 'user-agent': 'MailChimp.com WebHook Validator' } });
        await check.body.text();
        state.validations.push({ url: body.url, status: check.statusCode });
        if (check.statusCode !== 200) return problem(res, 400, 'Invalid Resource', `The resource submitted could not be validated. For field-specific details, see the 'errors' array. (url: "We couldn't verify the URL is working")`);
        const hook: MailchimpHook = { id: (nextId++).toString(16), list_id: listId, url: body.url, events: body.events ?? {}, sources: body.sources ?? {} };
        state.hooks.set(hook.id, hook);
        return json(res, 200, hook);
      }
      if (one) {
        const hook = state.hooks.get(decodeURIComponent(one[2]!));
        if (!hook || hook.list_id !== listId) return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
        if (req.method === 'GET') return json(res, 200, hook);
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204).end();
          return;
        }
      }
      return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
    })().catch((err: unknown) => json(res, 500, { title: 'Internal Server Error', status: 500, detail: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeMailchimp = Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { title: 'Internal Server Error', status }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async deliver(id: string, event: Record<string, unknown>, o: { url?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake mailchimp: no webhook ${id}`);
      const res = await request(o.url ?? hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MailChimp' },
        body: encodeMailchimpForm(event),
      });
      return { status: res.statusCode, text: await res.body.text() };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
