import { subscriptionCanceled } from '../fixtures/events.js';
import { paddleEventTrigger } from './event-trigger.js';

export const subscriptionCanceledTrigger = paddleEventTrigger({
  type: 'PADDLE_TRIGGER_SUBSCRIPTION_CANCELED',
  title: 'Subscription canceled',
  event: 'subscription.canceled',
  description:
    'Fires when a subscription\'s status changes to `canceled` (Paddle `subscription.canceled`), at once or when a scheduled cancellation takes effect. `data` is the subscription with `status: "canceled"` and `canceled_at`.',
  example: subscriptionCanceled,
  docsPath: 'subscriptions/subscription-canceled',
});
