// How Stripe signs webhook deliveries (https://docs.stripe.com/webhooks/signature), as data for the SDK's
// one verifier: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each v1 is the lowercase hex
// HMAC-SHA256 of `<t>.<raw body>` keyed with the endpoint secret — the whole `whsec_…` string as UTF-8
// bytes (stripe-node's `Webhooks.ts` does exactly this). Several v1 entries appear while a secret is being
// rolled; any match is enough, other schemes (v0) are ignored. 300 s is stripe-node's default tolerance.
import type { HmacScheme } from '../../sdk/index.js';

export const stripeSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'stripe-signature',
  encoding: 'hex',
  signingString: '{timestamp}.{body}',
  toleranceSeconds: 300,
  secretEncoding: 'utf8',
  structuredHeader: { timestampKey: 't', signatureKey: 'v1', pairSeparator: ',', kvSeparator: '=' },
};
