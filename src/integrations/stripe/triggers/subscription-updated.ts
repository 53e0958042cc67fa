import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const subscriptionUpdated = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_SUBSCRIPTION_UPDATED',
  title: 'Subscription updated',
  description: 'Fires when a subscription changes, e.g. its plan, status or cancel_at_period_end (event customer.subscription.updated). Delivers the Stripe Event object, with data.previous_attributes.',
  eventType: 'customer.subscription.updated',
  examplePayload: stripeEvents.subscriptionUpdated,
});
