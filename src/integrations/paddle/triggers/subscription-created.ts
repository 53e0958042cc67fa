import { subscriptionCreated } from '../fixtures/events.js';
import { paddleEventTrigger } from './event-trigger.js';

export const subscriptionCreatedTrigger = paddleEventTrigger({
  type: 'PADDLE_TRIGGER_SUBSCRIPTION_CREATED',
  title: 'Subscription created',
  event: 'subscription.created',
  description:
    'Fires when a subscription is created, usually after a checkout for recurring items completes (Paddle `subscription.created`). `data` is the subscription (`id`, `status`, `customer_id`, `items`, `billing_cycle`, `current_billing_period`, `next_billed_at`, `transaction_id`, `custom_data`, …).',
  example: subscriptionCreated,
  docsPath: 'subscriptions/subscription-created',
});
