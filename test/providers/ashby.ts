// A fake Ashby over real HTTP: what the integration uses — `POST /webhook.create` ({webhookType, requestUrl,
// secretToken}, all required → `{success: true, results: {id, enabled, requestUrl, secretToken, webhookType}}`),
// `POST /webhook.info` and `POST /webhook.update` ({webhookId, enabled?}), `POST /webhook.delete` ({webhookId} →
// `{success: true, results: {webhookId}}`) — behind HTTP Basic auth with the API key as user name and an empty
// password. Failures answer Ashby's error shape `{success: false, errors: [...], errorInfo: {code, message,
// requestId}}`, with HTTP 200 for invalid input and unknown webhooks as Ashby's RPC API does. And Ashby's side of
// webhooks: on create (and on an update that enables), a `ping` is POSTed to the URL *before* the create call
// answers; a ping answered with an error leaves the webhook disabled. Deliveries carry `Ashby-Signature:
// sha256=<hex HMAC-SHA256 of the body keyed with secretToken>`, computed here with node:crypto, independently of the
// SDK's signer.
//
// Docs followed: https://developers.ashbyhq.com/docs/setting-up-webhooks,
// https://developers.ashbyhq.com/docs/authenticating-webhooks, the webhook.create/info/update/delete reference.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const ASHBY_WEBHOOK_TYPES = [
  'applicationSubmit', 'applicationUpdate', 'candidateHire', 'candidateStageChange', 'candidateDelete', 'candidateMerge', 'interviewPlanTransition',
  'interviewScheduleCreate', 'interviewScheduleUpdate', 'jobPostingUpdate', 'jobPostingPublish', 'jobPostingUnpublish', 'offerCreate', 'offerUpdate',
  'offerDelete', 'pushToHRIS', 'surveySubmit',
];

export interface AshbyHook {
  id: string;
  webhookType: string;
  requestUrl: string;
  secretToken: string;
  enabled: boolean;
}

export interface FakeAshby {
  apiBaseUrl: string;
  apiKey: string;
  hooks: Map<string, AshbyHook>;
  deletedHooks: AshbyHook[];
  /** The status each ping got, in order. */
  pings: Array<{ hookId: string; status: number }>;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  sign(secret: string, body: string): string;
  /** POST the body to the hook's URL, signed with its secretToken (or `secret`), as Ashby does. */
  deliver(id: string, body: unknown, opts?: { secret?: string; headers?: Record<string, string> }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startFakeAshby(): Promise<FakeAshby> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    apiKey: 'ashby_key_9c2f1e7a5b3d4a8eb6c10d2f4e6a8c0b',
    hooks: new Map<string, AshbyHook>(),
    deletedHooks: [] as AshbyHook[],
    pings: [] as FakeAshby['pings'],
    requests: [] as FakeAshby['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { success: false, errors: [code], errorInfo: { code, message, requestId: '01JSJ8FDK5ZN4XQBZP7DBKK7ZC' } });
  const view = (h: AshbyHook) => ({ id: h.id, enabled: h.enabled, requestUrl: h.requestUrl, webhookType: h.webhookType });
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');
  const post = async (hook: AshbyHook, payload: unknown, secret: string, headers: Record<string, string> = {}) => {
    const body = JSON.stringify(payload);
    const res = await request(hook.requestUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'ashby-signature': `sha256=${sign(secret, body)}`, ...headers }, body });
    return { status: res.statusCode, text: await res.body.text() };
  };
  const ping = async (hook: AshbyHook) => {
    let status: number;
    try {
      status = (await post(hook, { action: 'ping', data: { webhook: view(hook) } }, hook.secretToken)).status;
    } catch {
      status = 0;
    }
    state.pings.push({ hookId: hook.id, status });
    hook.enabled = status >= 200 && status < 400;
  };
  const basic = `Basic ${Buffer.from(`${state.apiKey}:`).toString('base64')}`;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = await readJsonOrFormBody(req);
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers.authorization !== basic) return fail(res, 401, 'invalid_api_key', 'Invalid API key');
      if (req.method !== 'POST') return fail(res, 404, 'not_found', `Cannot ${req.method} ${url.pathname}`);
      if (url.pathname === '/webhook.create') {
        if (!ASHBY_WEBHOOK_TYPES.includes(body.webhookType)) return fail(res, 200, 'invalid_input', 'webhookType: Invalid enum value');
        if (typeof body.requestUrl !== 'string' || !/^https?:\/\//.test(body.requestUrl)) return fail(res, 200, 'invalid_input', 'requestUrl: Required');
        if (typeof body.secretToken !== 'string' || body.secretToken === '') return fail(res, 200, 'invalid_input', 'secretToken: Required');
        const hook: AshbyHook = { id: randomUUID(), webhookType: body.webhookType, requestUrl: body.requestUrl, secretToken: body.secretToken, enabled: false };
        state.hooks.set(hook.id, hook);
        await ping(hook);
        return json(res, 200, { success: true, results: { ...view(hook), secretToken: hook.secretToken } });
      }
      if (['/webhook.info', '/webhook.update', '/webhook.delete'].includes(url.pathname)) {
        const hook = typeof body.webhookId === 'string' ? state.hooks.get(body.webhookId) : undefined;
        if (!hook) return fail(res, 200, 'webhook_setting_not_found', 'Webhook setting not found');
        if (url.pathname === '/webhook.info') return json(res, 200, { success: true, results: view(hook) });
        if (url.pathname === '/webhook.delete') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, { success: true, results: { webhookId: hook.id } });
        }
        if (typeof body.enabled !== 'boolean' && typeof body.requestUrl !== 'string' && typeof body.secretToken !== 'string') {
          return fail(res, 200, 'invalid_input', 'One of enabled, requestUrl, or secretToken must be provided');
        }
        if (typeof body.requestUrl === 'string') hook.requestUrl = body.requestUrl;
        if (typeof body.secretToken === 'string') hook.secretToken = body.secretToken;
        if (body.enabled === true) await ping(hook);
        else if (body.enabled === false) hook.enabled = false;
        return json(res, 200, { success: true, results: { ...view(hook), secretToken: hook.secretToken } });
      }
      return fail(res, 404, 'not_found', `Unknown endpoint ${url.pathname}`);
    })().catch((err: unknown) => fail(res, 500, 'internal_error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    apiBaseUrl: base,
    failNext(count: number, status: number, body: unknown = { success: false, errors: ['internal_error'], errorInfo: { code: 'internal_error', message: 'Internal server error' } }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    sign,
    async deliver(id: string, payload: unknown, o: { secret?: string; headers?: Record<string, string> } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake Ashby: no webhook ${id}`);
      return post(hook, payload, o.secret ?? hook.secretToken, o.headers);
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
