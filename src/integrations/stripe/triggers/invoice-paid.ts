import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const invoicePaid = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_INVOICE_PAID',
  title: 'Invoice paid',
  description: 'Fires when an invoice is paid, or marked paid out of band (event invoice.paid). Delivers the Stripe Event object.',
  eventType: 'invoice.paid',
  examplePayload: stripeEvents.invoicePaid,
});
