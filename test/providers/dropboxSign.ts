// A fake Dropbox Sign (API v3) over real HTTP: accounts, each with its API key and account callback URL, and
// the callbacks Dropbox Sign POSTs to that URL.
// - Auth is HTTP Basic with the API key as user name and an empty password; anything else is 401 with
//   Dropbox Sign's error body `{"error": {"error_msg", "error_name": "unauthorized"}}`.
// - `GET /v3/account` → `{"account": {account_id, email_address, callback_url, …}}`.
// - `PUT /v3/account` (the current reference; `POST` in the older docs, both accepted) with `callback_url` sets the account callback URL; Dropbox Sign first
//   sends a `callback_test` event there and keeps the URL only when it is acknowledged (400 otherwise).
// - `deliver(apiKey, callback)` POSTs an event as Dropbox Sign does: multipart/form-data with the event in the
//   `json` field, `event.event_hash` = hex HMAC-SHA256 of `event_time + event_type` keyed by the account's API
//   key, `User-Agent: HelloSign API`. A delivery counts as received only when the answer is 200 with the
//   body `Hello API Event Received` (anything else is retried: the test calls `deliver` again).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ACK = 'Hello API Event Received';

export interface FakeDropboxSignAccount {
  apiKey: string;
  accountId: string;
  email: string;
  callbackUrl: string | null;
}

export interface DropboxSignApiRequest {
  method: string;
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

export interface DeliveryResult {
  status: number;
  body: string;
  contentType: string | undefined;
  /** Dropbox Sign's own test: 200 and exactly `Hello API Event Received`. */
  acknowledged: boolean;
}

export interface FakeDropboxSign {
  url: string;
  apiBaseUrl: string;
  accounts: FakeDropboxSignAccount[];
  requests: DropboxSignApiRequest[];
  addAccount(a: Partial<FakeDropboxSignAccount> & { apiKey: string }): FakeDropboxSignAccount;
  /** POST one callback to the account's callback URL, signed with `signWith` (default: the account's API key). */
  deliver(apiKey: string, callback: Record<string, any>, opts?: { signWith?: string; url?: string }): Promise<DeliveryResult>;
  close(): Promise<void>;
}

export function eventHash(apiKey: string, eventTime: string, eventType: string): string {
  return createHmac('sha256', apiKey).update(`${eventTime}${eventType}`).digest('hex');
}

export function basicAuth(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
}

/** A multipart/form-data body with one `json` field, as Dropbox Sign sends it. */
export function multipartJson(json: string): { body: Buffer; contentType: string } {
  const boundary = `----------------------------${randomBytes(6).toString('hex')}`;
  const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="json"\r\n\r\n${json}\r\n--${boundary}--\r\n`, 'utf8');
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The callback with its account and a fresh event_hash; `eventTime`/`eventType` replace the fixture's. */
export function callbackFor(account: FakeDropboxSignAccount, fixture: Record<string, any>, over: { eventTime?: string; eventType?: string; signatureRequestId?: string } = {}): Record<string, any> {
  const cb = structuredClone(fixture);
  if (over.eventTime) cb.event.event_time = over.eventTime;
  if (over.eventType) cb.event.event_type = over.eventType;
  if (over.signatureRequestId && cb.signature_request) cb.signature_request.signature_request_id = over.signatureRequestId;
  cb.event.event_metadata = { ...cb.event.event_metadata, reported_for_account_id: account.accountId };
  cb.account_guid = account.accountId;
  return cb;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return JSON.parse(text) as Record<string, unknown>;
}

function accountJson(a: FakeDropboxSignAccount) {
  return {
    account: {
      account_id: a.accountId, email_address: a.email, is_locked: false, is_paid_hs: true, is_paid_hf: false,
      quotas: { templates_left: 5, api_signature_requests_left: 1250, documents_left: null, sms_verifications_left: 0 },
      callback_url: a.callbackUrl, role_code: null, team_id: null, locale: 'en-US',
    },
  };
}

export async function startFakeDropboxSign(): Promise<FakeDropboxSign> {
  const accounts: FakeDropboxSignAccount[] = [];
  const requests: DropboxSignApiRequest[] = [];

  async function post(url: string, callback: Record<string, any>, key: string): Promise<DeliveryResult> {
    const signed = structuredClone(callback);
    signed.event.event_hash = eventHash(key, String(signed.event.event_time), String(signed.event.event_type));
    const { body, contentType } = multipartJson(JSON.stringify(signed));
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, 'user-agent': 'HelloSign API' }, body: new Uint8Array(body) });
    const text = await r.text();
    return { status: r.status, body: text, contentType: r.headers.get('content-type') ?? undefined, acknowledged: r.status === 200 && text === ACK };
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, name: string, msg: string) => send(res, status, { error: { error_msg: msg, error_name: name } });

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const body = await readBody(req);
      requests.push({ method: req.method ?? 'GET', path, auth: req.headers.authorization, body });
      const account = accounts.find((a) => req.headers.authorization === basicAuth(a.apiKey));
      if (!account) return error(res, 401, 'unauthorized', 'Unauthorized api key');
      if (path !== '/v3/account') return error(res, 404, 'not_found', 'Not found');
      if (req.method === 'GET') return send(res, 200, accountJson(account));
      if (req.method !== 'POST' && req.method !== 'PUT') return error(res, 405, 'method_not_supported', 'Method not supported');
      const callbackUrl = body.callback_url;
      if (typeof callbackUrl !== 'string' || !/^https?:\/\//.test(callbackUrl)) return error(res, 400, 'bad_request', 'Invalid callback_url');
      const test = { event: { event_time: String(Math.floor(Date.now() / 1000)), event_type: 'callback_test', event_metadata: { related_signature_id: null, reported_for_account_id: account.accountId, reported_for_app_id: null, event_message: null } } };
      const answer = await post(callbackUrl, test, account.apiKey).catch(() => undefined);
      if (!answer?.acknowledged) return error(res, 400, 'bad_request', 'Callback URL did not respond with "Hello API Event Received"');
      account.callbackUrl = callbackUrl;
      return send(res, 200, accountJson(account));
    })().catch((err: unknown) => error(res, 500, 'internal', String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiBaseUrl: `${url}/v3`,
    accounts,
    requests,
    addAccount(a) {
      const account: FakeDropboxSignAccount = { accountId: randomBytes(20).toString('hex'), email: 'me@dropboxsign.com', callbackUrl: null, ...a };
      accounts.push(account);
      return account;
    },
    async deliver(apiKey, callback, opts = {}) {
      const account = accounts.find((a) => a.apiKey === apiKey);
      if (!account) throw new Error(`no account with key ${apiKey}`);
      const target = opts.url ?? account.callbackUrl;
      if (!target) throw new Error('the account has no callback URL');
      return post(target, callback, opts.signWith ?? account.apiKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
