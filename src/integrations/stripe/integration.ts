// Stripe: one webhook endpoint per subscription, created through the form-encoded REST API with the
// account's secret API key (`Authorization: Bearer sk_…`). Connect OAuth is not used: Stripe advises new
// platforms against it, and a secret (or restricted) key is what an account owner can hand over directly.
// See docs/integrations/stripe.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { chargeRefunded } from './triggers/charge-refunded.js';
import { checkoutSessionCompleted } from './triggers/checkout-session-completed.js';
import { customerCreated } from './triggers/customer-created.js';
import { invoicePaid } from './triggers/invoice-paid.js';
import { invoicePaymentFailed } from './triggers/invoice-payment-failed.js';
import { paymentIntentSucceeded } from './triggers/payment-intent-succeeded.js';
import { subscriptionCanceled } from './triggers/subscription-canceled.js';
import { subscriptionCreated } from './triggers/subscription-created.js';
import { subscriptionUpdated } from './triggers/subscription-updated.js';

export { stripeSignatureScheme } from './scheme.js';

export const stripeIntegration = defineIntegration({
  key: 'stripe',
  name: 'Stripe',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://api.stripe.com/v1',
  docsUrl: 'https://docs.stripe.com/api/webhook_endpoints',
  /** The account the key belongs to: `GET /v1/account` answers the Account object, id `acct_…`. */
  async accountId({ http }) {
    const account = await http.get<{ id?: unknown; email?: unknown; livemode?: unknown }>('/account');
    if (typeof account?.id !== 'string') throw new ProviderError('permanent', 'Stripe answered GET /v1/account without an account id');
    return { providerAccountId: account.id };
  },
  triggers: [
    customerCreated,
    paymentIntentSucceeded,
    invoicePaid,
    subscriptionCreated,
    subscriptionCanceled,
    chargeRefunded,
    invoicePaymentFailed,
    subscriptionUpdated,
    checkoutSessionCompleted,
  ],
});
