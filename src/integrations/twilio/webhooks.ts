// "Incoming message received" on one Twilio phone number, through the number's own webhook URL:
// register points the IncomingPhoneNumber's `SmsUrl` at our per-subscription URL
// (`POST /Accounts/{AccountSid}/IncomingPhoneNumbers/{PN…}.json` with `SmsUrl`, `SmsMethod=POST`, and
// `SmsApplicationSid=""` when a TwiML App was assigned, since an application's URLs win over the number's own),
// remembering the number's previous `sms_url`, `sms_method` and `sms_application_sid` in the subscription's
// state; unregister puts them back — unless the number no longer points at us (someone changed it since), in
// which case it is left alone. A phone number has ONE SmsUrl: only one subscription (of any tool) can hold a
// number at a time; a second subscription to the same number takes it over.
//
// Verification: Twilio signs each request with the account's Auth Token, not with a secret we choose:
// `X-Twilio-Signature` = base64 HMAC-SHA1(auth token, full URL + the POST fields sorted by name, name + value)
// (https://www.twilio.com/docs/usage/security#validating-requests). register reads the Auth Token from the
// Account resource (`GET /Accounts/{AccountSid}.json`, field `auth_token`) and returns it as the
// subscription's secret; `check` (hourly) compares a SHA-256 fingerprint of the current token with the one
// stored, and answers 'inactive' after a rotation, so the engine re-registers with the new token.
//
// Keys: `MessageSid` (SM…/MM…), the same on Twilio's retries of one incoming message. No `redeliveryDays`: how
// long Twilio may send one message again is not confirmed. Answer: an empty TwiML `<Response/>` as text/xml —
// Twilio reads our answer as instructions (no reply is sent) and reports a JSON answer as error 12300.
import { createHash } from 'node:crypto';
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type SourceContext, type WebhookSource } from '../../sdk/index.js';
import { PHONE_NUMBER_SID, TWILIO_ERROR_STATUSES, accountPath, twilioError } from './api.js';

export const twilioSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha1',
  header: 'x-twilio-signature',
  encoding: 'base64',
  signingString: '{publicUrl}{formParams}',
};

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export interface SmsReceivedParams {
  phoneNumberSid: string;
}

interface IncomingPhoneNumber {
  sid?: unknown;
  phone_number?: unknown;
  sms_url?: unknown;
  sms_method?: unknown;
  sms_application_sid?: unknown;
}

type ApiContext = Pick<SourceContext, 'http' | 'credential' | 'now'>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function fingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function phoneNumberSidOf(params: SmsReceivedParams): string {
  const sid = params.phoneNumberSid;
  if (typeof sid !== 'string' || !PHONE_NUMBER_SID.test(sid)) {
    throw new ProviderError('permanent', 'phoneNumberSid: must be a Twilio phone number SID (PN followed by 32 hexadecimal characters)');
  }
  return sid;
}

async function accountAuthToken(ctx: ApiContext): Promise<string> {
  const res = await ctx.http.request<{ auth_token?: unknown }>({ path: accountPath(ctx.credential.extra, '.json'), allowStatus: TWILIO_ERROR_STATUSES });
  if (res.status >= 400) throw twilioError(res, ctx.now());
  const token = res.body?.auth_token;
  if (typeof token !== 'string' || token === '') {
    throw new ProviderError('permanent', 'Twilio did not show the account\'s Auth Token, which signs its webhooks: connect with the Account SID and Auth Token (a standard API key cannot read the Account resource)');
  }
  return token;
}

async function readNumber(ctx: ApiContext, sid: string) {
  return ctx.http.request<IncomingPhoneNumber>({ path: accountPath(ctx.credential.extra, `/IncomingPhoneNumbers/${sid}.json`), allowStatus: TWILIO_ERROR_STATUSES });
}

async function updateNumber(ctx: ApiContext, sid: string, form: Record<string, string>) {
  const res = await ctx.http.request<IncomingPhoneNumber>({
    method: 'POST',
    path: accountPath(ctx.credential.extra, `/IncomingPhoneNumbers/${sid}.json`),
    form,
    allowStatus: TWILIO_ERROR_STATUSES,
  });
  if (res.status >= 400) throw twilioError(res, ctx.now());
  return res;
}

function messageSidOf(req: InboundRequest): string | undefined {
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  const sid = body.MessageSid ?? body.SmsMessageSid ?? body.SmsSid;
  return typeof sid === 'string' && sid !== '' ? sid : undefined;
}

export function smsReceivedWebhook(): WebhookSource<SmsReceivedParams> {
  return {
    kind: 'webhook',
    verification: twilioSignatureScheme,
    acknowledgement: { contentType: 'text/xml', body: EMPTY_TWIML },
    async register(ctx) {
      const sid = phoneNumberSidOf(ctx.params);
      const token = await accountAuthToken(ctx);
      const current = await readNumber(ctx, sid);
      if (current.status >= 400) throw twilioError(current, ctx.now());
      const previous = current.body ?? {};
      const ours = text(previous.sms_url) === ctx.hookUrl;
      const form: Record<string, string> = { SmsUrl: ctx.hookUrl, SmsMethod: 'POST' };
      if (text(previous.sms_application_sid) !== '') form.SmsApplicationSid = '';
      await updateNumber(ctx, sid, form);
      return {
        state: {
          phoneNumberSid: sid,
          phoneNumber: text(previous.phone_number),
          hookUrl: ctx.hookUrl,
          // Already ours (an earlier unregister failed): what was there before us is not known any more.
          previousSmsUrl: ours ? '' : text(previous.sms_url),
          previousSmsMethod: text(previous.sms_method),
          previousSmsApplicationSid: text(previous.sms_application_sid),
          tokenFingerprint: fingerprint(token),
        },
        secret: token,
      };
    },
    async unregister(ctx) {
      const sid = typeof ctx.state.phoneNumberSid === 'string' ? ctx.state.phoneNumberSid : null;
      if (!sid) return;
      const current = await readNumber(ctx, sid);
      // 404: the number was released; nothing to put back.
      if (current.status === 404) return;
      if (current.status >= 400) throw twilioError(current, ctx.now());
      // Someone pointed the number elsewhere since: theirs now, leave it.
      if (text(current.body?.sms_url) !== text(ctx.state.hookUrl)) return;
      const form: Record<string, string> = { SmsUrl: text(ctx.state.previousSmsUrl), SmsMethod: text(ctx.state.previousSmsMethod) || 'POST' };
      if (text(ctx.state.previousSmsApplicationSid) !== '') form.SmsApplicationSid = text(ctx.state.previousSmsApplicationSid);
      await updateNumber(ctx, sid, form);
    },
    async check(ctx) {
      const sid = typeof ctx.state.phoneNumberSid === 'string' ? ctx.state.phoneNumberSid : null;
      if (!sid) return 'gone';
      const current = await readNumber(ctx, sid);
      if (current.status === 404) return 'gone';
      if (current.status >= 400) throw twilioError(current, ctx.now());
      // The Auth Token was rotated: requests are signed with the new one, so register again to take it.
      const token = await accountAuthToken(ctx);
      if (fingerprint(token) !== ctx.state.tokenFingerprint) return 'inactive';
      return 'active';
    },
    deliveryId: messageSidOf,
    toItems(req): Item[] {
      const key = messageSidOf(req);
      if (!key) return [];
      return [{ key, payload: req.body }];
    },
  };
}
