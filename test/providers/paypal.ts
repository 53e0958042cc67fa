// A fake PayPal (token endpoint, Webhooks Management and the verify-webhook-signature API) over real HTTP, following
// developer.paypal.com/api/webhooks/v1 and /api/rest/authentication:
// - `POST /v1/oauth2/token`: HTTP Basic client authentication (client id:secret), form `grant_type=client_credentials`;
//   answers `{scope, access_token, token_type: "Bearer", app_id, expires_in: 32400, nonce}`. A wrong client is refused
//   401 `{error: "invalid_client", error_description: "Client Authentication failed"}`.
// - Every other call needs `Authorization: Bearer <a token it issued>` (else 401 `invalid_token`).
// - `POST /v1/notifications/webhooks` {url, event_types: [{name}]} → 201 {id, url, event_types, links}; at most 10
//   webhooks (400 WEBHOOK_NUMBER_LIMIT_EXCEEDED), one per URL (400 WEBHOOK_URL_ALREADY_EXISTS), a body without url or
//   event names 400 VALIDATION_ERROR. `GET`/`DELETE /v1/notifications/webhooks/{id}` → 200 / 204, unknown id 404
//   INVALID_RESOURCE_ID. Errors have PayPal's shape `{name, message, debug_id, details, links}`.
// - `POST /v1/notifications/verify-webhook-signature` {auth_algo, cert_url, transmission_id, transmission_sig,
//   transmission_time, webhook_id, webhook_event} → {verification_status: SUCCESS | FAILURE}: SUCCESS only when the
//   signature is PayPal's RSA-SHA256 over `transmission_id|transmission_time|webhook_id|crc32(event)` made with the key
//   of the certificate at cert_url (the fake's own key and cert URL), crc32 in decimal over the event as JSON. A body
//   missing a field is 400 VALIDATION_ERROR.
// - `deliver` signs a delivery that way with the fake's private key and posts it to the webhook's URL with the five
//   PAYPAL-* headers. failNext answers the next API calls (not the token endpoint) with a chosen failure.
import { createSign, createVerify, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface PaypalHook {
  id: string;
  url: string;
  eventTypes: string[];
}

export interface PaypalRequest {
  method: string;
  path: string;
  auth: string | undefined;
  body: any;
}

export interface DeliverOptions {
  /** Sign as if for another webhook id (a delivery of another PayPal webhook replayed here). */
  signedForWebhookId?: string;
  /** Sign with another key (a forger's). */
  privateKey?: KeyObject;
  /** Post this body instead of the signed one (tampering after signing). */
  bodyOverride?: string;
  /** Post to this URL instead of the webhook's (e.g. without the token). */
  url?: string;
  headers?: Record<string, string>;
}

export interface FakePaypal {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  certUrl: string;
  hooks: Map<string, PaypalHook>;
  deletedHooks: PaypalHook[];
  requests: PaypalRequest[];
  tokenRequests: Array<{ basic: string | undefined; form: Record<string, string>; status: number }>;
  verifications: Array<{ webhookId: string; status: 'SUCCESS' | 'FAILURE' }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  signatureHeaders(webhookId: string, body: string, key?: KeyObject): Record<string, string>;
  deliver(webhookId: string, event: unknown, opts?: DeliverOptions): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

const { privateKey: PAYPAL_KEY, publicKey: PAYPAL_PUBLIC } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Another RSA key, for forged deliveries. */
export const forgerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const signedString = (transmissionId: string, time: string, webhookId: string, body: string) =>
  `${transmissionId}|${time}|${webhookId}|${crc32(Buffer.from(body, 'utf8'))}`;

export async function startFakePaypal(): Promise<FakePaypal> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let tokenCount = 0;
  let hookCount = 0;
  const tokens = new Set<string>();
  const state = {
    clientId: 'AaPayPalClientId0123456789',
    clientSecret: 'EPayPalClientSecret9876543210',
    certUrl: 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77',
    hooks: new Map<string, PaypalHook>(),
    deletedHooks: [] as PaypalHook[],
    requests: [] as PaypalRequest[],
    tokenRequests: [] as FakePaypal['tokenRequests'],
    verifications: [] as FakePaypal['verifications'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'paypal-debug-id': 'f1d2e3c4b5a69', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, name: string, message: string, issue?: string) =>
    json(res, status, { name, message, debug_id: 'f1d2e3c4b5a69', ...(issue ? { details: [{ issue, description: message }] } : {}), links: [] });
  const view = (h: PaypalHook) => ({
    id: h.id, url: h.url, event_types: h.eventTypes.map((name) => ({ name, description: name })),
    links: [{ href: `https://api-m.paypal.com/v1/notifications/webhooks/${h.id}`, rel: 'self', method: 'GET' }],
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      if (req.method === 'POST' && url.pathname === '/v1/oauth2/token') {
        const record = { basic: req.headers.authorization, form: body as Record<string, string>, status: 200 };
        state.tokenRequests.push(record);
        const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        const [id, secret] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':') : [];
        if (id !== api.clientId || secret !== api.clientSecret) {
          record.status = 401;
          return json(res, 401, { error: 'invalid_client', error_description: 'Client Authentication failed' });
        }
        if (body.grant_type !== 'client_credentials') {
          record.status = 400;
          return json(res, 400, { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' });
        }
        const token = `A21AA-paypal-token-${++tokenCount}`;
        tokens.add(token);
        return json(res, 200, { scope: 'https://uri.paypal.com/services/applications/webhooks', access_token: token, token_type: 'Bearer', app_id: 'APP-80W284485P519543T', expires_in: 32400, nonce: `nonce-${tokenCount}` });
      }
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !tokens.has(token)) return json(res, 401, { error: 'invalid_token', error_description: 'Token signature verification failed' });

      if (req.method === 'POST' && url.pathname === '/v1/notifications/verify-webhook-signature') {
        const fields = ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id'] as const;
        const missing = fields.find((f) => typeof body[f] !== 'string' || body[f] === '');
        if (missing || !body.webhook_event || typeof body.webhook_event !== 'object') {
          return error(res, 400, 'VALIDATION_ERROR', 'Invalid request - see details', `MISSING_REQUIRED_PARAMETER ${missing ?? 'webhook_event'}`);
        }
        const data = signedString(body.transmission_id, body.transmission_time, body.webhook_id, JSON.stringify(body.webhook_event));
        let ok = body.cert_url === api.certUrl && body.auth_algo === 'SHA256withRSA';
        try {
          ok = ok && createVerify('sha256').update(data).verify(PAYPAL_PUBLIC, Buffer.from(body.transmission_sig, 'base64'));
        } catch {
          ok = false;
        }
        const status = ok ? 'SUCCESS' : 'FAILURE';
        state.verifications.push({ webhookId: body.webhook_id, status });
        return json(res, 200, { verification_status: status });
      }
      if (url.pathname === '/v1/notifications/webhooks' && req.method === 'POST') {
        const names = Array.isArray(body.event_types) ? body.event_types.map((e: { name?: unknown }) => e?.name) : [];
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url) || names.length === 0 || !names.every((n: unknown) => typeof n === 'string' && /^[A-Z*][A-Z.*_-]*$/.test(n))) {
          return error(res, 400, 'VALIDATION_ERROR', 'Invalid data provided', 'INVALID_PARAMETER_SYNTAX');
        }
        if (state.hooks.size >= 10) return error(res, 400, 'WEBHOOK_NUMBER_LIMIT_EXCEEDED', "The webhook's number limit has exceeded.");
        if ([...state.hooks.values()].some((h) => h.url === body.url)) return error(res, 400, 'WEBHOOK_URL_ALREADY_EXISTS', 'Webhook URL already exists');
        const hook: PaypalHook = { id: `${++hookCount}WH${randomUUID().replace(/-/g, '').slice(0, 14).toUpperCase()}`, url: body.url, eventTypes: names };
        state.hooks.set(hook.id, hook);
        return json(res, 201, view(hook));
      }
      const m = /^\/v1\/notifications\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (m) {
        const hook = state.hooks.get(decodeURIComponent(m[1]!));
        if (!hook) return error(res, 404, 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist. Please check the resource ID and try again.');
        if (req.method === 'GET') return json(res, 200, view(hook));
        if (req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204).end();
          return;
        }
      }
      return error(res, 404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.');
    })().catch((err: unknown) => error(res, 500, 'INTERNAL_SERVER_ERROR', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signatureHeaders = (webhookId: string, body: string, key: KeyObject = PAYPAL_KEY): Record<string, string> => {
    const transmissionId = randomUUID();
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const sig = createSign('sha256').update(signedString(transmissionId, time, webhookId, body)).sign(key, 'base64');
    return {
      'paypal-transmission-id': transmissionId,
      'paypal-transmission-time': time,
      'paypal-transmission-sig': sig,
      'paypal-cert-url': state.certUrl,
      'paypal-auth-algo': 'SHA256withRSA',
    };
  };

  const api = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/v1/oauth2/token`,
    failNext(count: number, status: number, body: unknown = { name: 'INTERNAL_SERVER_ERROR', message: 'An internal server error occurred.', debug_id: 'f1d2e3c4b5a69' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    signatureHeaders,
    async deliver(webhookId: string, event: unknown, o: DeliverOptions = {}) {
      const hook = state.hooks.get(webhookId);
      if (!hook) throw new Error(`fake PayPal: no webhook ${webhookId}`);
      const body = JSON.stringify(event);
      const headers = { 'content-type': 'application/json', ...signatureHeaders(o.signedForWebhookId ?? webhookId, body, o.privateKey), ...o.headers };
      const res = await request(o.url ?? hook.url, { method: 'POST', headers, body: o.bodyOverride ?? body });
      return { status: res.statusCode, text: await res.body.text() };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return api;
}
