// Chargebee (API v2) with an API key, on the site's own host `https://{site}.chargebee.com/api/v2`: the connect call
// (or a direct credential's `extra`) names the site as `site` — `acme` for a live site, `acme-test` for its test site
// (ADR 0027). Setup: docs/integrations/chargebee.md.
//
// Auth: HTTP Basic with the API key as the user name and an empty password
// (https://apidocs.chargebee.com/docs/api/auth): the credential's `apiKey` is a full-access key from Settings →
// Configure Chargebee → API keys (creating webhook endpoints needs one).
//
// Events arrive as webhooks: each trigger subscription creates one Chargebee webhook endpoint for its one event type,
// protected by HTTP Basic credentials we choose (webhooks.ts).
import { defineIntegration } from '../../sdk/index.js';
import { customerCreatedTrigger } from './triggers/customer-created.js';
import { invoiceGeneratedTrigger } from './triggers/invoice-generated.js';
import { paymentFailedTrigger } from './triggers/payment-failed.js';
import { paymentSucceededTrigger } from './triggers/payment-succeeded.js';
import { subscriptionCancelledTrigger } from './triggers/subscription-cancelled.js';
import { subscriptionCreatedTrigger } from './triggers/subscription-created.js';

export { CHARGEBEE_BASIC_AUTH } from './webhooks.js';

export const chargebeeIntegration = defineIntegration({
  key: 'chargebee',
  name: 'Chargebee',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: '' },
  accountParameters: [{ name: 'site', description: 'the Chargebee site name, e.g. acme for acme.chargebee.com (acme-test for its test site)', acceptSuffix: '.chargebee.com' }],
  apiBaseUrl: 'https://{site}.chargebee.com/api/v2',
  docsUrl: 'https://apidocs.chargebee.com/docs/api/events',
  triggers: [
    subscriptionCreatedTrigger,
    subscriptionCancelledTrigger,
    paymentSucceededTrigger,
    paymentFailedTrigger,
    invoiceGeneratedTrigger,
    customerCreatedTrigger,
  ],
});
