// A fake FreshBooks over real HTTP: what the integration uses — `GET /auth/api/v1/users/me` (business_memberships
// with account_id), the callbacks API under `/events/account/{accountId}/events/callbacks` (POST {callback: {event,
// uri}} → unverified `callbackid`; PUT {callback: {verifier}} verifies; GET; DELETE), single objects under
// `/accounting/account/{accountId}/{invoices/invoices|payments/payments|users/clients|estimates/estimates}/{id}`
// in the `{"response": {"result": {…}}}` envelope — and FreshBooks' side of callbacks: the verification POST
// (`name=callback.verify&object_id={callbackid}&verifier=…`, form-encoded, unsigned) and form-encoded deliveries
// (name, object_id, account_id, business_id, identity_id, user_id) signed with `X-FreshBooks-Hmac-SHA256` = base64
// HMAC-SHA256 of `json.dumps(form)` keyed with the verifier, computed here with node:crypto the way FreshBooks'
// documentation and SDKs show it (https://www.freshbooks.com/api/webhooks; no signing library exists).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const FRESHBOOKS_EVENTS = ['invoice.create', 'payment.create', 'client.create', 'estimate.create', 'invoice.update', 'client.update'];

export interface FreshBooksCallback {
  callbackid: number;
  accountId: string;
  event: string;
  uri: string;
  verified: boolean;
  verifier: string;
}

export interface FakeFreshBooks {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  accountId: string;
  businessId: number;
  validTokens: Set<string>;
  callbacks: Map<number, FreshBooksCallback>;
  deletedCallbacks: FreshBooksCallback[];
  /** Objects by `${path}/${id}`, e.g. `invoices/invoices/987654`. */
  objects: Map<string, unknown>;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** FreshBooks' verification POST to the callback's URI (`verifier` overrides the real one). */
  sendVerification(callbackid: number, opts?: { verifier?: string; objectId?: string }): Promise<{ status: number; body: string }>;
  /** A delivery as FreshBooks sends it; refused for an unverified callback unless `force`. */
  deliver(callbackid: number, objectId: number | string, opts?: { secret?: string; force?: boolean; event?: string }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** Python's json.dumps of the form fields, as FreshBooks signs them. */
export function pythonFormJson(fields: Array<[string, string]>): string {
  const text = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `{${fields.map(([k, v]) => `${text(k)}: ${text(v)}`).join(', ')}}`;
}

export function freshBooksSignature(verifier: string, fields: Array<[string, string]>): string {
  return createHmac('sha256', verifier).update(pythonFormJson(fields)).digest('base64');
}

const accountingError = (message: string, errno = 1012) => ({ response: { errors: [{ errno, field: null, message, object: null, value: null }] } });

export async function startFakeFreshBooks(): Promise<FakeFreshBooks> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let nextId = 2001;
  const state = {
    clientId: 'freshbooks-client-id',
    clientSecret: 'freshbooks-client-secret',
    accountId: '6BApk',
    businessId: 6543,
    validTokens: new Set<string>(),
    callbacks: new Map<number, FreshBooksCallback>(),
    deletedCallbacks: [] as FreshBooksCallback[],
    objects: new Map<string, unknown>(),
    requests: [] as FakeFreshBooks['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const callbackJson = (c: FreshBooksCallback) => ({ callbackid: c.callbackid, event: c.event, uri: c.uri, verified: c.verified, updated_at: '2024-03-01 10:00:00' });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const header = req.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !state.validTokens.has(header.slice(7))) {
        return json(res, 401, { error: 'unauthenticated', error_description: 'This action requires authentication to continue.' });
      }
      if (req.method === 'GET' && url.pathname === '/auth/api/v1/users/me') {
        return json(res, 200, { response: { id: 1234, first_name: 'Jane', business_memberships: [{ id: 1, role: 'owner', business: { id: state.businessId, name: 'Acme', account_id: state.accountId } }] } });
      }
      const list = /^\/events\/account\/([^/]+)\/events\/callbacks$/.exec(url.pathname);
      if (list && req.method === 'POST') {
        if (list[1] !== state.accountId) return json(res, 404, accountingError('Account not found'));
        const cb = body?.callback;
        if (!cb || !FRESHBOOKS_EVENTS.includes(cb.event) || typeof cb.uri !== 'string' || !/^https?:\/\//.test(cb.uri)) {
          return json(res, 400, accountingError('Invalid callback', 1001));
        }
        const callback: FreshBooksCallback = { callbackid: nextId++, accountId: list[1], event: cb.event, uri: cb.uri, verified: false, verifier: randomBytes(16).toString('hex') };
        state.callbacks.set(callback.callbackid, callback);
        return json(res, 200, { response: { result: { callback: callbackJson(callback) } } });
      }
      const one = /^\/events\/account\/([^/]+)\/events\/callbacks\/(\d+)$/.exec(url.pathname);
      if (one) {
        const callback = state.callbacks.get(Number(one[2]));
        if (!callback || callback.accountId !== one[1]) return json(res, 404, accountingError('Callback not found', 1012));
        if (req.method === 'GET') return json(res, 200, { response: { result: { callback: callbackJson(callback) } } });
        if (req.method === 'PUT') {
          if (body?.callback?.verifier !== callback.verifier) return json(res, 400, accountingError('Invalid verifier', 1002));
          callback.verified = true;
          return json(res, 200, { response: { result: { callback: callbackJson(callback) } } });
        }
        if (req.method === 'DELETE') {
          state.callbacks.delete(callback.callbackid);
          state.deletedCallbacks.push(callback);
          res.writeHead(204);
          return res.end();
        }
      }
      const obj = /^\/accounting\/account\/([^/]+)\/(invoices\/invoices|payments\/payments|users\/clients|estimates\/estimates)\/(\d+)$/.exec(url.pathname);
      if (obj && req.method === 'GET' && obj[1] === state.accountId) {
        const found = state.objects.get(`${obj[2]}/${obj[3]}`);
        if (found === undefined) return json(res, 404, accountingError('not found'));
        const key = { 'invoices/invoices': 'invoice', 'payments/payments': 'payment', 'users/clients': 'client', 'estimates/estimates': 'estimate' }[obj[2]!]!;
        return json(res, 200, { response: { result: { [key]: found } } });
      }
      return json(res, 404, accountingError('not found'));
    })().catch((err: unknown) => json(res, 500, accountingError(String(err))));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const post = async (uri: string, fields: Array<[string, string]>, headers: Record<string, string> = {}) => {
    const res = await request(uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
    return { status: res.statusCode, body: await res.body.text() };
  };

  return Object.assign(state, {
    url: base,
    tokenUrl: `${base}/auth/oauth/token`,
    failNext(count: number, status: number, body: unknown = accountingError('Internal Server Error'), headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    async sendVerification(callbackid: number, o: { verifier?: string; objectId?: string } = {}) {
      const c = state.callbacks.get(callbackid);
      if (!c) throw new Error(`fake freshbooks: no callback ${callbackid}`);
      return post(c.uri, [['name', 'callback.verify'], ['object_id', o.objectId ?? String(callbackid)], ['verifier', o.verifier ?? c.verifier]]);
    },
    async deliver(callbackid: number, objectId: number | string, o: { secret?: string; force?: boolean; event?: string } = {}) {
      const c = state.callbacks.get(callbackid);
      if (!c) throw new Error(`fake freshbooks: no callback ${callbackid}`);
      if (!c.verified && !o.force) throw new Error(`fake freshbooks: callback ${callbackid} is not verified`);
      const fields: Array<[string, string]> = [
        ['name', o.event ?? c.event], ['object_id', String(objectId)], ['account_id', c.accountId], ['business_id', String(state.businessId)], ['identity_id', '1234'], ['user_id', '1'],
      ];
      return post(c.uri, fields, { 'x-freshbooks-hmac-sha256': freshBooksSignature(o.secret ?? c.verifier, fields) });
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
