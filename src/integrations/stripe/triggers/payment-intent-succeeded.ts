import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const paymentIntentSucceeded = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_PAYMENT_INTENT_SUCCEEDED',
  title: 'Payment succeeded',
  description: 'Fires when a PaymentIntent completes successfully (event payment_intent.succeeded). Delivers the Stripe Event object.',
  eventType: 'payment_intent.succeeded',
  examplePayload: stripeEvents.paymentIntentSucceeded,
});
