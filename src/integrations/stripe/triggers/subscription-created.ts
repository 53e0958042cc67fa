import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const subscriptionCreated = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_SUBSCRIPTION_CREATED',
  title: 'Subscription created',
  description: 'Fires when a customer is signed up for a new subscription (event customer.subscription.created). Delivers the Stripe Event object.',
  eventType: 'customer.subscription.created',
  examplePayload: stripeEvents.subscriptionCreated,
});
