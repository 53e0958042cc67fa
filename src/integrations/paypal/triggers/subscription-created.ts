import { defineTrigger } from '../../../sdk/index.js';
import { subscriptionCreated } from '../fixtures/events.js';
import { PAYPAL_WEBHOOKS_DOCS, paypalWebhook } from '../webhooks.js';

export const subscriptionCreatedTrigger = defineTrigger({
  type: 'PAYPAL_TRIGGER_SUBSCRIPTION_CREATED',
  title: 'Subscription created',
  description:
    'Fires when a subscription to one of the merchant billing plans is created (PayPal `BILLING.SUBSCRIPTION.CREATED`). Delivers the webhook event; `resource` is the subscription (`id`, `plan_id`, `status`, `subscriber`, `start_time`, `billing_info`, …).',
  parameters: [],
  examplePayload: subscriptionCreated,
  docsUrl: PAYPAL_WEBHOOKS_DOCS,
  source: paypalWebhook('BILLING.SUBSCRIPTION.CREATED'),
});
