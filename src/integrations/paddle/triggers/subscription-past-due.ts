import { subscriptionPastDue } from '../fixtures/events.js';
import { paddleEventTrigger } from './event-trigger.js';

export const subscriptionPastDueTrigger = paddleEventTrigger({
  type: 'PADDLE_TRIGGER_SUBSCRIPTION_PAST_DUE',
  title: 'Subscription past due',
  event: 'subscription.past_due',
  description:
    'Fires when a subscription becomes past due because a renewal payment failed or a manual invoice went unpaid (Paddle `subscription.past_due`). `data` is the subscription with `status: "past_due"`.',
  example: subscriptionPastDue,
  docsPath: 'subscriptions/subscription-past-due',
});
