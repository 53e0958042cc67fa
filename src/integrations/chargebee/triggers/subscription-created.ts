import { subscriptionCreated } from '../fixtures/events.js';
import { chargebeeTrigger } from './factory.js';

export const subscriptionCreatedTrigger = chargebeeTrigger(
  'CHARGEBEE_TRIGGER_SUBSCRIPTION_CREATED',
  'subscription_created',
  'Subscription created',
  'Fires when a subscription is created on the site (Chargebee `subscription_created`). Delivers the event `{id, occurred_at, source, event_type, api_version, content}`; `content` holds the `subscription` and its `customer`.',
  subscriptionCreated,
);
