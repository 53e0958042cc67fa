// Payment Created (FreshBooks callback event `payment.create`): the payment read back with GET /accounting/account/{accountId}/payments/payments/{id}.
import example from '../fixtures/payment.json' with { type: 'json' };
import { freshBooksObjectTrigger } from '../callbacks.js';

export const paymentCreated = freshBooksObjectTrigger({
  type: 'FRESHBOOKS_TRIGGER_PAYMENT_CREATED',
  title: 'Payment Created',
  description: 'Triggers when a payment is recorded in FreshBooks.',
  event: 'payment.create',
  objectPath: 'payments/payments',
  resultKey: 'payment',
  examplePayload: example,
});
