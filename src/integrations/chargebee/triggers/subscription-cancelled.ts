import { subscriptionCancelled } from '../fixtures/events.js';
import { chargebeeTrigger } from './factory.js';

export const subscriptionCancelledTrigger = chargebeeTrigger(
  'CHARGEBEE_TRIGGER_SUBSCRIPTION_CANCELLED',
  'subscription_cancelled',
  'Subscription cancelled',
  'Fires when a subscription is cancelled, by a person or the API, at term end or for non-payment (Chargebee `subscription_cancelled`). Delivers the event; `content` holds the `subscription` (`status: cancelled`, `cancelled_at`, `cancel_reason_code`) and the `customer`.',
  subscriptionCancelled,
);
