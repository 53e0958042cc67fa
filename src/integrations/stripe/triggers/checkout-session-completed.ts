import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const checkoutSessionCompleted = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_CHECKOUT_SESSION_COMPLETED',
  title: 'Checkout session completed',
  description: 'Fires when a Checkout Session is completed (event checkout.session.completed). Delivers the Stripe Event object.',
  eventType: 'checkout.session.completed',
  examplePayload: stripeEvents.checkoutSessionCompleted,
});
