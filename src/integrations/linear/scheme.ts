// How Linear signs webhook deliveries (https://linear.app/developers/webhooks#securing-webhooks), as data for
// the SDK's one verifier: `Linear-Signature` is the lowercase hex HMAC-SHA256 of the raw body keyed with the
// webhook's signing secret, no prefix; the body's `webhookTimestamp` (Unix milliseconds) must be within one
// minute of now — the same rule as Linear's own `LinearWebhookClient.verify` in @linear/sdk.
import type { HmacScheme } from '../../sdk/index.js';

export const linearSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'linear-signature',
  encoding: 'hex',
  timestampFrom: { jsonPath: 'webhookTimestamp', unit: 'ms' },
  toleranceSeconds: 60,
};
