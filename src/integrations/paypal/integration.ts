// PayPal REST APIs (https://api-m.paypal.com; the sandbox is https://api-m.sandbox.paypal.com through the project's
// apiBaseUrl and tokenUrl). Setup: docs/integrations/paypal.md.
//
// Auth: each account is a PayPal REST app (Developer Dashboard → Apps & Credentials) given as its client id and secret.
// The engine exchanges them at `POST /v1/oauth2/token` (HTTP Basic client authentication, form
// `grant_type=client_credentials`, no scope: the app's features decide what its token may do) and sends
// `Authorization: Bearer` (ADR 0028). Events arrive by PayPal webhooks the app's token creates, one per subscription,
// verified with the URL token and PayPal's verify-webhook-signature API (webhooks.ts).
import { defineIntegration } from '../../sdk/index.js';
import { checkoutOrderApprovedTrigger } from './triggers/checkout-order-approved.js';
import { disputeCreatedTrigger } from './triggers/dispute-created.js';
import { paymentCaptureCompletedTrigger } from './triggers/payment-capture-completed.js';
import { paymentCaptureRefundedTrigger } from './triggers/payment-capture-refunded.js';
import { subscriptionCancelledTrigger } from './triggers/subscription-cancelled.js';
import { subscriptionCreatedTrigger } from './triggers/subscription-created.js';

export const paypalIntegration = defineIntegration({
  key: 'paypal',
  name: 'PayPal',
  auth: { kind: 'clientCredentials', tokenUrl: 'https://api-m.paypal.com/v1/oauth2/token', clientAuth: 'basic' },
  apiBaseUrl: 'https://api-m.paypal.com',
  docsUrl: 'https://developer.paypal.com/api/rest/webhooks/',
  triggers: [
    paymentCaptureCompletedTrigger,
    paymentCaptureRefundedTrigger,
    checkoutOrderApprovedTrigger,
    subscriptionCreatedTrigger,
    subscriptionCancelledTrigger,
    disputeCreatedTrigger,
  ],
});
