import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const invoicePaymentFailed = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_INVOICE_PAYMENT_FAILED',
  title: 'Invoice payment failed',
  description: 'Fires when a payment attempt for an invoice fails (event invoice.payment_failed). Delivers the Stripe Event object.',
  eventType: 'invoice.payment_failed',
  examplePayload: stripeEvents.invoicePaymentFailed,
});
