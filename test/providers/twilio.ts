// A fake Twilio over real HTTP: what the integration uses of the 2010-04-01 REST API —
// `GET /2010-04-01/Accounts/{AccountSid}.json` (the Account, with `auth_token`),
// `GET` and `POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{PN…}.json` (form fields `SmsUrl`,
// `SmsMethod`, `SmsApplicationSid`; the answer is the number) — behind HTTP Basic `AccountSid:AuthToken`;
// errors answer `{code, message, more_info, status}` (401 is code 20003, 404 code 20404, 429 code 20429 with
// Retry-After). And Twilio's side of an incoming message: the documented form fields POSTed to the number's
// SmsUrl with `X-Twilio-Signature` = base64 HMAC-SHA1(auth token, URL + fields sorted by name as name + value),
// computed here with node:crypto, independently of the SDK's signer. An application assigned to the number
// (SmsApplicationSid) takes the messages instead of SmsUrl, as Twilio documents.
//
// Docs followed: https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource,
// https://www.twilio.com/docs/iam/api/account, https://www.twilio.com/docs/usage/security#validating-requests,
// https://www.twilio.com/docs/messaging/guides/webhook-request, https://www.twilio.com/docs/usage/twilios-response
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface TwilioNumber {
  sid: string;
  phone_number: string;
  sms_url: string;
  sms_method: 'GET' | 'POST';
  sms_application_sid: string;
}

export interface FakeTwilio {
  apiBaseUrl: string;
  accountSid: string;
  authToken: string;
  /** The credential's apiKey for the current token: base64("AccountSid:AuthToken"). */
  apiKey(): string;
  numbers: Map<string, TwilioNumber>;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /** A new primary Auth Token (the old one no longer authenticates, as after promoting a secondary token). */
  rotateToken(): void;
  /** Twilio's signature of a form body POSTed to `url`. */
  sign(token: string, url: string, fields: Record<string, string>): string;
  /** An incoming message on the number: POSTed to its SmsUrl, signed with the current token (or `token`). */
  deliver(numberSid: string, fields: Record<string, string>, opts?: { token?: string; signature?: string }): Promise<{ status: number; contentType: string | undefined; body: string }>;
  close(): Promise<void>;
}

const hex32 = () => randomBytes(16).toString('hex');

export async function startFakeTwilio(opts: { accountSid?: string } = {}): Promise<FakeTwilio> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const accountSid = opts.accountSid ?? `AC${hex32()}`;
  const state = {
    accountSid,
    authToken: hex32(),
    numbers: new Map<string, TwilioNumber>(),
    requests: [] as FakeTwilio['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);
  const view = (n: TwilioNumber) => ({
    sid: n.sid, account_sid: state.accountSid, phone_number: n.phone_number, friendly_name: n.phone_number,
    sms_url: n.sms_url, sms_method: n.sms_method, sms_application_sid: n.sms_application_sid,
    sms_fallback_url: '', sms_fallback_method: 'POST', voice_url: 'https://demo.twilio.com/welcome/voice/',
    capabilities: { sms: true, mms: true, voice: true, fax: false }, api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${state.accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      if (req.headers.authorization !== `Basic ${Buffer.from(`${state.accountSid}:${state.authToken}`).toString('base64')}`) {
        return error(res, 401, 20003, 'Authenticate');
      }
      const prefix = `/2010-04-01/Accounts/${state.accountSid}`;
      if (req.method === 'GET' && url.pathname === `${prefix}.json`) {
        return json(res, 200, {
          sid: state.accountSid, owner_account_sid: state.accountSid, friendly_name: 'Acme Support', status: 'active', type: 'Full',
          auth_token: state.authToken, date_created: 'Thu, 04 Jan 2024 16:10:08 +0000', uri: `${prefix}.json`,
        });
      }
      const one = new RegExp(`^${prefix}/IncomingPhoneNumbers/([^/]+)\\.json$`).exec(url.pathname);
      if (one) {
        const n = state.numbers.get(decodeURIComponent(one[1]!));
        if (!n) return error(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
        if (req.method === 'GET') return json(res, 200, view(n));
        if (req.method === 'POST') {
          if (body.SmsUrl !== undefined && body.SmsUrl !== '' && !/^https?:\/\//.test(String(body.SmsUrl))) return error(res, 400, 21502, 'SmsUrl is not valid');
          if (body.SmsMethod !== undefined && body.SmsMethod !== 'GET' && body.SmsMethod !== 'POST') return error(res, 400, 21503, 'SmsMethod is not valid');
          if (body.SmsApplicationSid !== undefined && body.SmsApplicationSid !== '' && !/^AP[0-9a-f]{32}$/.test(String(body.SmsApplicationSid))) {
            return error(res, 400, 21425, 'SmsApplicationSid is not valid');
          }
          if (body.SmsUrl !== undefined) n.sms_url = String(body.SmsUrl);
          if (body.SmsMethod !== undefined) n.sms_method = body.SmsMethod;
          if (body.SmsApplicationSid !== undefined) n.sms_application_sid = String(body.SmsApplicationSid);
          return json(res, 200, view(n));
        }
      }
      return error(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
    })().catch((err: unknown) => json(res, 500, { code: 20500, message: String(err), status: 500 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (token: string, url: string, fields: Record<string, string>) => {
    const data = url + Object.keys(fields).sort().map((k) => k + fields[k]).join('');
    return createHmac('sha1', token).update(data, 'utf8').digest('base64');
  };

  const fake: FakeTwilio = Object.assign(state, {
    apiBaseUrl: `${base}/2010-04-01`,
    apiKey() {
      return Buffer.from(`${state.accountSid}:${state.authToken}`).toString('base64');
    },
    failNext(count: number, status: number, body: unknown = { code: 20500, message: 'Internal Server Error', status }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rotateToken() {
      state.authToken = hex32();
    },
    sign,
    async deliver(numberSid: string, fields: Record<string, string>, o: { token?: string; signature?: string } = {}) {
      const n = state.numbers.get(numberSid);
      if (!n) throw new Error(`fake twilio: no number ${numberSid}`);
      if (n.sms_application_sid !== '') throw new Error(`fake twilio: ${numberSid} sends its messages to application ${n.sms_application_sid}`);
      if (!n.sms_url) throw new Error(`fake twilio: ${numberSid} has no SmsUrl`);
      const form = new URLSearchParams(fields).toString();
      const res = await request(n.sms_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': o.signature ?? sign(o.token ?? state.authToken, n.sms_url, fields),
        },
        body: form,
      });
      return { status: res.statusCode, contentType: res.headers['content-type'] as string | undefined, body: await res.body.text() };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}

/** A phone number in the fake account, with its current messaging configuration. */
export function addNumber(tw: FakeTwilio, n: Partial<TwilioNumber> & { sid: string }): TwilioNumber {
  const number: TwilioNumber = { phone_number: '+14155550100', sms_url: 'https://demo.twilio.com/welcome/sms/reply', sms_method: 'POST', sms_application_sid: '', ...n };
  tw.numbers.set(number.sid, number);
  return number;
}
