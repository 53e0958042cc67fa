import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const customerCreated = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_CUSTOMER_CREATED',
  title: 'New customer',
  description: 'Fires when a customer is created in the Stripe account (event customer.created). Delivers the Stripe Event object.',
  eventType: 'customer.created',
  examplePayload: stripeEvents.customerCreated,
});
