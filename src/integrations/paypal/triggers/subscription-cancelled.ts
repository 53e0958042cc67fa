import { defineTrigger } from '../../../sdk/index.js';
import { subscriptionCancelled } from '../fixtures/events.js';
import { PAYPAL_WEBHOOKS_DOCS, paypalWebhook } from '../webhooks.js';

export const subscriptionCancelledTrigger = defineTrigger({
  type: 'PAYPAL_TRIGGER_SUBSCRIPTION_CANCELLED',
  title: 'Subscription cancelled',
  description:
    'Fires when a subscription is cancelled, by the subscriber or the merchant (PayPal `BILLING.SUBSCRIPTION.CANCELLED`). Delivers the webhook event; `resource` is the subscription with `status: CANCELLED` and `status_update_time`.',
  parameters: [],
  examplePayload: subscriptionCancelled,
  docsUrl: PAYPAL_WEBHOOKS_DOCS,
  source: paypalWebhook('BILLING.SUBSCRIPTION.CANCELLED'),
});
