// How Asana signs webhook deliveries (https://developers.asana.com/docs/webhooks-guide#security), as data:
// `X-Hook-Signature` is the HMAC-SHA256 of the raw body keyed with the `X-Hook-Secret` Asana sent in the
// handshake, as a lowercase hex digest (what Asana's example servers compare against). Asana sends no
// timestamp, so there is no freshness window; replays are harmless because items are keyed by task version.
import type { Handshake, HmacScheme } from '../../sdk/index.js';

export const asanaSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-hook-signature',
  encoding: 'hex',
};

/**
 * While our `POST /webhooks` is still open, Asana POSTs to the target with `X-Hook-Secret`; we must echo it
 * (200/204) for the webhook to be created, and that value is the secret of every later signature. The engine
 * stores it only while it is itself registering that subscription's webhook.
 */
export const asanaHandshakes: Handshake[] = [{ kind: 'hookSecret', header: 'x-hook-secret' }];
