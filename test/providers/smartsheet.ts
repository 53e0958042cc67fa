// A fake Smartsheet (API 2.0) over real HTTP: what the integration uses — `GET /users/me`, `POST /webhooks`
// (name, callbackUrl, scope "sheet", scopeObjectId, events ["*.*"], version 1; created disabled with a
// `sharedSecret` Smartsheet chooses; answered in the `{message, resultCode, result}` envelope),
// `PUT /webhooks/{id}` with `{enabled: true}` (sends the verification request to the callback URL before
// answering: `Smartsheet-Hook-Challenge` header and `{challenge, webhookId}` body, accepted when the answer is
// 200 and echoes the value in `Smartsheet-Hook-Response` or `smartsheetHookResponse`; else the webhook stays
// disabled with status DISABLED_VERIFICATION_FAILED), `GET /webhooks/{id}`, `DELETE /webhooks/{id}`,
// `GET /sheets/{sheetId}/rows/{rowId}` — and Smartsheet's side of callbacks: skinny event callbacks and status
// change callbacks signed `Smartsheet-Hmac-SHA256: <hex HMAC-SHA256(sharedSecret, raw body)>` with node:crypto
// as the callbacks page describes (Smartsheet publishes no signing library), a re-verification challenge every
// 100 callbacks, nothing sent while a webhook is disabled.
//
// Errors are `{errorCode, message, refId}` (Smartsheet's error codes page): 401/1002 for an unknown token,
// 404/1006 Not Found, 429/4003 "Rate limit exceeded." when scripted.
//
// Docs followed: https://developers.smartsheet.com/api/smartsheet/guides/webhooks/webhook-verification,
// https://developers.smartsheet.com/api/smartsheet/guides/webhooks/webhook-callbacks,
// https://developers.smartsheet.com/api/smartsheet/guides/webhooks/launch-a-webhook,
// https://developers.smartsheet.com/api/smartsheet/error-codes
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface SmartsheetHook {
  id: number;
  name: string;
  scope: string;
  scopeObjectId: number;
  events: string[];
  callbackUrl: string;
  sharedSecret: string;
  enabled: boolean;
  status: string;
  version: number;
  callbacks: number;
}

export interface SmartsheetRowData {
  id: number;
  sheetId: number;
  rowNumber: number;
  createdAt: string;
  modifiedAt: string;
  cells: Array<{ columnId: number; value: unknown }>;
}

export interface FakeSmartsheet {
  url: string;
  validTokens: Set<string>;
  /** Sheets the token's user can see: sheet id → rows by id. */
  sheets: Map<number, Map<number, SmartsheetRowData>>;
  hooks: Map<number, SmartsheetHook>;
  deletedHooks: SmartsheetHook[];
  /** Verification requests sent, with our answers. */
  challenges: Array<{ webhookId: number; challenge: string; status: number; echoed: boolean }>;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown): void;
  rateLimitNext(): void;
  /** Send an event callback as Smartsheet does; `secret` overrides the webhook's (a forgery). */
  deliver(webhookId: number, body: unknown, opts?: { secret?: string }): Promise<{ status: number; text: string }>;
  /** Send a verification request (Smartsheet repeats one every 100 callbacks); true when answered correctly. */
  challenge(webhookId: number): Promise<boolean>;
  /** Disable a webhook as Smartsheet does on its own, and send the status change callback. */
  disable(webhookId: number, status: string): Promise<number>;
  close(): Promise<void>;
}

export function smartsheetSignature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

const newId = () => 1_000_000_000_000_000 + Math.floor(Math.random() * 7_000_000_000_000_000);

export async function startFakeSmartsheet(): Promise<FakeSmartsheet> {
  let failures: Array<{ status: number; body: unknown }> = [];
  const state = {
    validTokens: new Set<string>(),
    sheets: new Map<number, Map<number, SmartsheetRowData>>(),
    hooks: new Map<number, SmartsheetHook>(),
    deletedHooks: [] as SmartsheetHook[],
    challenges: [] as FakeSmartsheet['challenges'],
    requests: [] as FakeSmartsheet['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, errorCode: number, message: string) =>
    json(res, status, { errorCode, message, refId: randomBytes(6).toString('hex') });
  const publicHook = ({ callbacks: _c, ...hook }: SmartsheetHook) => hook;

  async function verify(hook: SmartsheetHook): Promise<boolean> {
    const challenge = randomUUID();
    const res = await request(hook.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'smartsheet-hook-challenge': challenge },
      body: JSON.stringify({ challenge, webhookId: hook.id }),
    });
    const text = await res.body.text();
    let echoed = res.headers['smartsheet-hook-response'] === challenge;
    try {
      echoed ||= (JSON.parse(text) as { smartsheetHookResponse?: unknown }).smartsheetHookResponse === challenge;
    } catch {
      /* not JSON */
    }
    state.challenges.push({ webhookId: hook.id, challenge, status: res.statusCode, echoed });
    const ok = res.statusCode === 200 && echoed;
    hook.enabled = ok;
    hook.status = ok ? 'ENABLED' : 'DISABLED_VERIFICATION_FAILED';
    return ok;
  }

  async function post(hook: SmartsheetHook, payload: unknown, secret = hook.sharedSecret) {
    const body = JSON.stringify(payload);
    const res = await request(hook.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'smartsheet-hmac-sha256': smartsheetSignature(secret, body), 'smartsheet-hook-id': String(hook.id) },
      body,
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body);
      const header = req.headers.authorization ?? '';
      if (!header) return error(res, 401, 1001, 'An Access Token is required.');
      if (!header.startsWith('Bearer ') || !state.validTokens.has(header.slice(7))) return error(res, 401, 1002, 'Your Access Token is invalid.');

      if (req.method === 'GET' && url.pathname === '/users/me') return json(res, 200, { id: 48569348493401, email: 'john.doe@smartsheet.com', firstName: 'John' });
      if (req.method === 'POST' && url.pathname === '/webhooks') {
        for (const k of ['name', 'callbackUrl', 'scope', 'scopeObjectId', 'events', 'version']) {
          if (body[k] === undefined) return error(res, 400, 1012, `A required object attribute is missing from your request: webhook.${k}.`);
        }
        if (body.scope !== 'sheet' || body.version !== 1 || JSON.stringify(body.events) !== '["*.*"]' || typeof body.scopeObjectId !== 'number') {
          return error(res, 400, 1018, 'The value for webhook is invalid.');
        }
        if (!state.sheets.has(body.scopeObjectId)) return error(res, 404, 1006, 'Not Found');
        const hook: SmartsheetHook = {
          id: newId(), name: body.name, scope: 'sheet', scopeObjectId: body.scopeObjectId, events: body.events, callbackUrl: body.callbackUrl,
          sharedSecret: randomBytes(13).toString('hex'), enabled: false, status: 'NEW_NOT_VERIFIED', version: 1, callbacks: 0,
        };
        state.hooks.set(hook.id, hook);
        return json(res, 200, { message: 'SUCCESS', resultCode: 0, result: publicHook(hook) });
      }
      const one = /^\/webhooks\/(\d+)$/.exec(url.pathname);
      if (one) {
        const hook = state.hooks.get(Number(one[1]));
        if (!hook) return error(res, 404, 1006, 'Not Found');
        if (req.method === 'GET') return json(res, 200, publicHook(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { message: 'SUCCESS', resultCode: 0 });
        }
        if (req.method === 'PUT') {
          if (body.enabled === true) await verify(hook);
          else if (body.enabled === false) Object.assign(hook, { enabled: false, status: 'DISABLED_BY_OWNER' });
          return json(res, 200, { message: 'SUCCESS', resultCode: 0, result: publicHook(hook) });
        }
      }
      const row = /^\/sheets\/(\d+)\/rows\/(\d+)$/.exec(url.pathname);
      if (row && req.method === 'GET') {
        const found = state.sheets.get(Number(row[1]))?.get(Number(row[2]));
        if (!found) return error(res, 404, 1006, 'Not Found');
        return json(res, 200, found);
      }
      return error(res, 404, 1006, 'Not Found');
    })().catch((err: unknown) => error(res, 500, 4000, `An unexpected error has occurred: ${String(err)}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { errorCode: 4000, message: 'An unexpected error has occurred.' }) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body }))];
    },
    rateLimitNext() {
      failures.push({ status: 429, body: { errorCode: 4003, message: 'Rate limit exceeded.' } });
    },
    async deliver(webhookId: number, payload: unknown, o: { secret?: string } = {}) {
      const hook = state.hooks.get(webhookId);
      if (!hook) throw new Error(`fake smartsheet: no webhook ${webhookId}`);
      if (!hook.enabled) throw new Error(`fake smartsheet: webhook ${webhookId} is disabled; Smartsheet sends nothing`);
      // Verification is ongoing: a challenge every 100 callbacks.
      if (++hook.callbacks % 100 === 0 && !(await verify(hook))) throw new Error(`fake smartsheet: webhook ${webhookId} failed re-verification`);
      return post(hook, payload, o.secret);
    },
    async challenge(webhookId: number) {
      const hook = state.hooks.get(webhookId);
      if (!hook) throw new Error(`fake smartsheet: no webhook ${webhookId}`);
      return verify(hook);
    },
    async disable(webhookId: number, status: string) {
      const hook = state.hooks.get(webhookId);
      if (!hook) throw new Error(`fake smartsheet: no webhook ${webhookId}`);
      Object.assign(hook, { enabled: false, status });
      const sent = await post(hook, { nonce: randomUUID(), timestamp: new Date().toISOString(), webhookId: hook.id, scope: 'sheet', scopeObjectId: hook.scopeObjectId, newWebhookStatus: status });
      return sent.status;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
