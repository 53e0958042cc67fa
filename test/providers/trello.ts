// A fake Trello (REST API v1) over real HTTP: what the integration uses — `POST /1/webhooks` (parameters in the
// query string: callbackURL, idModel, description; Trello first sends a HEAD request to the callback URL and
// creates the webhook only on a 200; 400 for an unknown model or a duplicate callback/model/token), `GET` and
// `DELETE /1/webhooks/{id}` — with the key and token read from `Authorization: OAuth oauth_consumer_key="…",
// oauth_token="…"` (or the `key`/`token` query parameters), 401 "invalid token" otherwise, and 429 when scripted.
// Deliveries are signed as Trello documents: `X-Trello-Webhook` = base64(HMAC-SHA1(app secret, body + callbackURL)).
//
// Docs followed: https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks,
// https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface TrelloHook {
  id: string;
  description: string;
  idModel: string;
  callbackURL: string;
  active: boolean;
  consecutiveFailures: number;
  firstConsecutiveFailDate: string | null;
  token: string;
}

export interface FakeTrello {
  url: string;
  /** The app's API key and its secret (the secret signs every delivery). */
  apiKey: string;
  appSecret: string;
  validTokens: Set<string>;
  boards: Set<string>;
  hooks: Map<string, TrelloHook>;
  deletedHooks: TrelloHook[];
  /** Answer of the HEAD check Trello makes on creation. */
  headChecks: Array<{ url: string; status: number }>;
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined }>;
  failNext(count: number, status: number, body?: string, headers?: Record<string, string>): void;
  /** The Authorization header value for a token, as clients send it. */
  authorization(token: string): string;
  deliver(id: string, body: unknown, opts?: { secret?: string; callbackURL?: string }): Promise<{ status: number; body: string; signature: string }>;
  close(): Promise<void>;
}

/** base64(HMAC-SHA1(secret, body + callbackURL)), as Trello computes X-Trello-Webhook. */
export function trelloSignature(secret: string, body: string, callbackURL: string): string {
  return createHmac('sha1', secret).update(body + callbackURL).digest('base64');
}

const newId = () => randomBytes(12).toString('hex');

export async function startFakeTrello(): Promise<FakeTrello> {
  let failures: Array<{ status: number; body: string; headers: Record<string, string> }> = [];
  const state = {
    apiKey: randomBytes(16).toString('hex'),
    appSecret: randomBytes(32).toString('hex'),
    validTokens: new Set<string>(),
    boards: new Set<string>(),
    hooks: new Map<string, TrelloHook>(),
    deletedHooks: [] as TrelloHook[],
    headChecks: [] as FakeTrello['headChecks'],
    requests: [] as FakeTrello['requests'],
  };
  const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const view = ({ token: _t, ...hook }: TrelloHook) => hook;

  const credentials = (auth: string | undefined, query: URLSearchParams): { key?: string; token?: string } => {
    const m = /^OAuth (.*)$/.exec(auth ?? '');
    if (m) {
      const pairs = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { key: pairs.oauth_consumer_key, token: pairs.oauth_token };
    }
    return { key: query.get('key') ?? undefined, token: query.get('token') ?? undefined };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      for await (const _chunk of req) { /* drain */ }
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization });
      const failure = failures.shift();
      if (failure) return text(res, failure.status, failure.body, failure.headers);
      const { key, token } = credentials(req.headers.authorization, url.searchParams);
      if (key !== state.apiKey) return text(res, 401, 'invalid key');
      if (!token || !state.validTokens.has(token)) return text(res, 401, 'invalid token');

      if (req.method === 'POST' && url.pathname === '/1/webhooks') {
        const callbackURL = url.searchParams.get('callbackURL') ?? '';
        const idModel = url.searchParams.get('idModel') ?? '';
        if (!/^https?:\/\//.test(callbackURL)) return text(res, 400, 'invalid value for callbackURL');
        if (!state.boards.has(idModel)) return text(res, 400, 'invalid value for idModel');
        if ([...state.hooks.values()].some((h) => h.callbackURL === callbackURL && h.idModel === idModel && h.token === token)) {
          return text(res, 400, 'A webhook with that callback, model, and token already exists');
        }
        // Trello's reachability check: a HEAD to the callback URL, which must answer 200.
        const head = await request(callbackURL, { method: 'HEAD' });
        await head.body.text();
        state.headChecks.push({ url: callbackURL, status: head.statusCode });
        if (head.statusCode !== 200) return text(res, 400, `URL (${callbackURL}) did not return 200 status code, got ${head.statusCode}`);
        const hook: TrelloHook = {
          id: newId(), description: url.searchParams.get('description') ?? '', idModel, callbackURL, active: true,
          consecutiveFailures: 0, firstConsecutiveFailDate: null, token,
        };
        state.hooks.set(hook.id, hook);
        return json(res, 200, view(hook));
      }
      const one = /^\/1\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (one && (req.method === 'GET' || req.method === 'DELETE')) {
        if (!/^[0-9a-f]{24}$/.test(one[1]!)) return text(res, 400, 'invalid id');
        const hook = state.hooks.get(one[1]!);
        if (!hook) return text(res, 404, 'The requested resource was not found.');
        if (req.method === 'GET') return json(res, 200, view(hook));
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        return json(res, 200, { _value: null });
      }
      return text(res, 404, 'Cannot ' + (req.method ?? 'GET') + ' ' + url.pathname);
    })().catch((err: unknown) => text(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body = 'Internal Server Error', headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    authorization(token: string) {
      return `OAuth oauth_consumer_key="${state.apiKey}", oauth_token="${token}"`;
    },
    async deliver(id: string, payload: unknown, o: { secret?: string; callbackURL?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake trello: no webhook ${id}`);
      if (!hook.active) throw new Error(`fake trello: webhook ${id} is inactive; Trello sends nothing to it`);
      const body = JSON.stringify(payload);
      const signature = trelloSignature(o.secret ?? state.appSecret, body, o.callbackURL ?? hook.callbackURL);
      const res = await request(hook.callbackURL, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-trello-webhook': signature },
        body,
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
