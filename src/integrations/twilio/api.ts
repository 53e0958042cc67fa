// Twilio REST API (2010-04-01) helpers. Every resource lives under `/Accounts/{AccountSid}/…` on api.twilio.com,
// so the Account SID comes from the credential's `extra.accountSid` and goes into the PATH (never the host);
// it is checked against Twilio's documented pattern `^AC[0-9a-fA-F]{32}$` first. Not an account parameter:
// the engine lower-cases account parameters (host labels), and Twilio SIDs start with an upper-case `AC`.
//
// Errors: Twilio answers `{"code": 20404, "message": "…", "more_info": "https://www.twilio.com/docs/errors/20404",
// "status": 404}` (https://www.twilio.com/docs/usage/twilios-response); 401 is code 20003 (Authenticate), 429 is
// code 20429 with Retry-After. Messages carry Twilio's text and code only, never the auth token.
import { ProviderError, providerErrorFor, type HttpResponse } from '../../sdk/index.js';

export const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
export const PHONE_NUMBER_SID = /^PN[0-9a-fA-F]{32}$/;

/** Statuses a Twilio call hands back to us, to put Twilio's own message into the error. */
export const TWILIO_ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 429, 500, 502, 503, 504];

/** The credential's Account SID (`extra.accountSid`), checked. */
export function accountSidOf(extra: Record<string, unknown>): string {
  const sid = extra.accountSid;
  if (typeof sid !== 'string' || !ACCOUNT_SID.test(sid)) {
    throw new ProviderError('permanent', 'the Twilio credential has no valid Account SID (credential extra "accountSid": AC followed by 32 hexadecimal characters)');
  }
  return sid;
}

/** `/Accounts/{AccountSid}{rest}`, relative to apiBaseUrl (https://api.twilio.com/2010-04-01). */
export function accountPath(extra: Record<string, unknown>, rest: string): string {
  return `/Accounts/${accountSidOf(extra)}${rest}`;
}

/** Classify an error answer Twilio gave to a call that allowed it, keeping Twilio's message and code. */
export function twilioError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { code?: unknown; message?: unknown };
  const message = typeof body.message === 'string' && body.message !== '' ? body.message : undefined;
  const code = typeof body.code === 'number' || typeof body.code === 'string' ? ` (code ${body.code})` : '';
  return providerErrorFor(res, `Twilio ${res.status}${message ? `: ${message}` : ''}${code}`, { now, rateLimitPauseMs: 60_000 });
}
