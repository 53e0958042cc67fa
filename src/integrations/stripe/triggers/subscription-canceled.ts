import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const subscriptionCanceled = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_SUBSCRIPTION_CANCELED',
  title: 'Subscription canceled',
  description: 'Fires when a customer’s subscription ends (event customer.subscription.deleted). Delivers the Stripe Event object.',
  eventType: 'customer.subscription.deleted',
  examplePayload: stripeEvents.subscriptionDeleted,
});
