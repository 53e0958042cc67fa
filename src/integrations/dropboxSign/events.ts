// Dropbox Sign callbacks (docs/integrations/dropboxSign.md). Every event of an account goes to the one
// callback URL of that account (Settings → API → Account callback, or `callback_url` through Update Account, PUT /v3/account):
// here the project's app-level URL, so any number of subscriptions of any connected account share it and
// each is routed by `event.event_metadata.reported_for_account_id` to the credentials of that account.
//
// A callback is a multipart/form-data POST whose `json` field holds the event; `event.event_hash` is the hex
// HMAC-SHA256 of `event_time + event_type`, keyed by the API key of the account (the project's
// `webhookSecret`). Dropbox Sign counts a delivery as received only when the answer's body is
// `Hello API Event Received`, and retries otherwise.
import {
  multipartFormField,
  type AppEvent,
  type AppWebhookConfig,
  type HmacScheme,
  type InboundRequest,
  type Item,
} from '../../sdk/index.js';

export const DROPBOX_SIGN_ACK = 'Hello API Event Received';

export const dropboxSignScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  signatureFrom: { jsonPath: 'event.event_hash' },
  encoding: 'hex',
  signingString: '{json:event.event_time}{json:event.event_type}',
  jsonBody: { multipartField: 'json' },
};

export interface DropboxSignCallback {
  event: {
    event_type: string;
    event_time: string;
    event_hash?: string;
    event_metadata?: {
      related_signature_id?: string | null;
      reported_for_account_id?: string | null;
      reported_for_app_id?: string | null;
      event_message?: string | null;
    };
  };
  account_guid?: string | null;
  signature_request?: {
    signature_request_id?: string;
    test_mode?: boolean;
    template_ids?: string[] | null;
  } & Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The callback in the `json` field of a multipart body, or null when there is none. */
export function callbackOf(req: InboundRequest): DropboxSignCallback | null {
  const text = multipartFormField(req.rawBody, req.headers['content-type'] ?? '', 'json');
  if (text === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(parsed) || !isObject(parsed.event)) return null;
  const { event_type: type, event_time: time } = parsed.event;
  if (typeof type !== 'string' || (typeof time !== 'string' && typeof time !== 'number')) return null;
  return parsed as unknown as DropboxSignCallback;
}

/**
 * The event's key: one signature request, one signer (the related signature, when the event names one),
 * one event type, one time. Dropbox Sign's retries resend the same event unchanged, so they map to it
 * again; two signers signing in the same second stay two events.
 */
export function eventKey(cb: DropboxSignCallback): string {
  const requestId = cb.signature_request?.signature_request_id ?? '-';
  const signatureId = cb.event.event_metadata?.related_signature_id ?? '-';
  return `${requestId}:${signatureId}:${cb.event.event_type}:${String(cb.event.event_time)}`;
}

/** One AppEvent per callback, addressed to the account it is reported for; none for a malformed body. */
export function parseDropboxSignCallback(req: InboundRequest): AppEvent[] {
  const cb = callbackOf(req);
  if (!cb) return [];
  const account = cb.event.event_metadata?.reported_for_account_id ?? cb.account_guid;
  if (typeof account !== 'string' || account === '') return [];
  return [{ providerAccountId: account, deliveryId: eventKey(cb), eventType: cb.event.event_type, event: cb }];
}

export const dropboxSignAppWebhook: AppWebhookConfig = {
  verification: dropboxSignScheme,
  parse: parseDropboxSignCallback,
  acknowledgement: { contentType: 'text/plain; charset=utf-8', body: DROPBOX_SIGN_ACK },
};

export interface SignatureRequestParams {
  templateId?: string;
  excludeTestMode?: boolean;
}

/** Template ids are hex strings (e.g. `c26b8a16784a872da37ea946b9ddec7c1e11dff6`). */
export function validateTemplateId(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' && /^[0-9a-f]{1,64}$/i.test(value) ? null : 'must be a Dropbox Sign template id (hexadecimal)';
}

/** The items of one trigger: the whole callback for events of its type that pass the parameters. */
export function matchSignatureRequestEvent(eventType: string, event: AppEvent, params: SignatureRequestParams): Item[] {
  if (event.eventType !== eventType) return [];
  const cb = event.event as DropboxSignCallback;
  const request = cb.signature_request;
  if (params.excludeTestMode === true && request?.test_mode === true) return [];
  if (params.templateId) {
    const ids = Array.isArray(request?.template_ids) ? request.template_ids : [];
    if (!ids.some((id) => id.toLowerCase() === params.templateId!.toLowerCase())) return [];
  }
  const seconds = Number(cb.event.event_time);
  return [{ key: event.deliveryId, payload: cb, ...(Number.isFinite(seconds) ? { occurredAt: seconds * 1000 } : {}) }];
}
