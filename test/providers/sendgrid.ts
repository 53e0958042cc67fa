// A fake Twilio SendGrid over real HTTP: what the integration uses of the v3 Webhooks API —
// `POST /v3/user/webhooks/event/settings` (url, enabled, friendly_name and the event flags; answers the new
// webhook with its `id`), `PATCH /v3/user/webhooks/event/settings/signed/{id}` ({enabled}; answers `{id,
// public_key}`, the base64 DER key of a P-256 pair generated for that webhook), `GET` and `DELETE
// /v3/user/webhooks/event/settings/{id}` — with `Authorization: Bearer <API key>`, errors as `{errors: [{field,
// message}]}`, 429 with `X-RateLimit-Reset` — and SendGrid's side of the Signed Event Webhook: a JSON array of
// events POSTed with `X-Twilio-Email-Event-Webhook-Signature` (base64 DER ECDSA-SHA256 over timestamp + raw body)
// and `X-Twilio-Email-Event-Webhook-Timestamp`, computed with node:crypto as SendGrid documents.
//
// Docs followed: https://www.twilio.com/docs/sendgrid/api-reference/webhooks (create, get, delete, toggle signature
// verification), https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features,
// https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/rate-limits
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const SENDGRID_FLAGS = [
  'bounce', 'click', 'deferred', 'delivered', 'dropped', 'group_resubscribe', 'group_unsubscribe', 'open', 'processed',
  'spam_report', 'unsubscribe',
];

export interface SendGridWebhook {
  id: string;
  url: string;
  enabled: boolean;
  friendly_name: string | null;
  flags: Record<string, boolean>;
  /** Set once signing is enabled. */
  keys: { publicKey: KeyObject; privateKey: KeyObject; publicKeyText: string } | null;
}

export interface SendGridDelivery {
  status: number;
  body: string;
  signature: string;
  timestamp: string;
}

export interface FakeSendGrid {
  url: string;
  validKeys: Set<string>;
  webhooks: Map<string, SendGridWebhook>;
  deletedWebhooks: SendGridWebhook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>, onlyMethod?: string): void;
  /** POST events to a webhook as SendGrid does, signed with its key (or `privateKey`), at `timestamp` (default now). */
  deliver(webhookId: string, events: unknown[], opts?: { privateKey?: KeyObject; timestamp?: string; rawBody?: string }): Promise<SendGridDelivery>;
  close(): Promise<void>;
}

/** base64 DER ECDSA-SHA256 over `timestamp + body`, as the Signed Event Webhook sends it. */
export function sendgridSignature(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), Buffer.from(body, 'utf8')]), privateKey).toString('base64');
}

export function p256KeyPair(): { publicKey: KeyObject; privateKey: KeyObject; publicKeyText: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicKey, privateKey, publicKeyText: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

export async function startFakeSendGrid(): Promise<FakeSendGrid> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string>; method?: string }> = [];
  const state = {
    validKeys: new Set<string>(),
    webhooks: new Map<string, SendGridWebhook>(),
    deletedWebhooks: [] as SendGridWebhook[],
    requests: [] as FakeSendGrid['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, field: string | null = null) =>
    json(res, status, { errors: [{ field, message }] });
  const shown = (w: SendGridWebhook) => ({
    id: w.id, url: w.url, enabled: w.enabled, friendly_name: w.friendly_name, ...w.flags,
    oauth_client_id: null, oauth_token_url: null, created_date: '2024-01-01T00:00:00Z', updated_date: '2024-01-01T00:00:00Z',
    public_key: w.keys?.publicKeyText ?? '',
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const method = req.method ?? 'GET';
      const body = method === 'POST' || method === 'PATCH' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method, path: url.pathname, auth: req.headers.authorization, body });

      const at = failures.findIndex((f) => !f.method || f.method === method);
      if (at >= 0) {
        const [failure] = failures.splice(at, 1);
        return json(res, failure!.status, failure!.body, failure!.headers);
      }
      const header = req.headers.authorization ?? '';
      const key = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!key || !state.validKeys.has(key)) return error(res, 401, 'authorization required');

      if (url.pathname === '/v3/user/webhooks/event/settings' && method === 'POST') {
        if (typeof body?.url !== 'string' || !/^https?:\/\//.test(body.url)) return error(res, 400, 'url is required and must be a valid URL', 'url');
        if (typeof body.enabled !== 'boolean') return error(res, 400, 'enabled is required', 'enabled');
        for (const f of SENDGRID_FLAGS) if (body[f] !== undefined && typeof body[f] !== 'boolean') return error(res, 400, `${f} must be a boolean`, f);
        const w: SendGridWebhook = {
          id: randomUUID(), url: body.url, enabled: body.enabled, friendly_name: typeof body.friendly_name === 'string' ? body.friendly_name : null,
          flags: Object.fromEntries(SENDGRID_FLAGS.map((f) => [f, body[f] === true])), keys: null,
        };
        state.webhooks.set(w.id, w);
        const { public_key: _omit, ...unsigned } = shown(w);
        return json(res, 201, unsigned);
      }
      const signed = /^\/v3\/user\/webhooks\/event\/settings\/signed\/([A-Za-z0-9-]+)$/.exec(url.pathname);
      if (signed && method === 'PATCH') {
        const w = state.webhooks.get(signed[1]!);
        if (!w) return error(res, 404, 'webhook not found');
        if (typeof body?.enabled !== 'boolean') return error(res, 400, 'enabled is required', 'enabled');
        w.keys = body.enabled ? (w.keys ?? p256KeyPair()) : null;
        return json(res, 200, { id: w.id, public_key: w.keys?.publicKeyText ?? '' });
      }
      const one = /^\/v3\/user\/webhooks\/event\/settings\/([A-Za-z0-9-]+)$/.exec(url.pathname);
      if (one && (method === 'GET' || method === 'DELETE')) {
        const w = state.webhooks.get(one[1]!);
        if (!w) return error(res, 404, 'webhook not found');
        if (method === 'GET') return json(res, 200, shown(w));
        state.webhooks.delete(w.id);
        state.deletedWebhooks.push(w);
        res.writeHead(204).end();
        return;
      }
      return error(res, 404, 'not found');
    })().catch((err: unknown) => error(res, 500, String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    failNext(count: number, status: number, body: unknown = { errors: [{ field: null, message: 'internal error' }] }, headers: Record<string, string> = {}, onlyMethod?: string) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers, ...(onlyMethod ? { method: onlyMethod } : {}) }))];
    },
    async deliver(webhookId: string, events: unknown[], o: { privateKey?: KeyObject; timestamp?: string; rawBody?: string } = {}) {
      const w = state.webhooks.get(webhookId);
      if (!w) throw new Error(`fake sendgrid: no webhook ${webhookId}`);
      if (!w.enabled) throw new Error(`fake sendgrid: webhook ${webhookId} is disabled; SendGrid posts nothing`);
      const privateKey = o.privateKey ?? w.keys?.privateKey;
      if (!privateKey) throw new Error(`fake sendgrid: webhook ${webhookId} is not signed`);
      const body = o.rawBody ?? JSON.stringify(events);
      const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000));
      const signature = sendgridSignature(privateKey, timestamp, body);
      const res = await request(w.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', 'user-agent': 'SendGrid Event API',
          'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp,
        },
        body,
      });
      await res.body.text();
      return { status: res.statusCode, body, signature, timestamp };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
