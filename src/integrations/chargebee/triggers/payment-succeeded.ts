import { paymentSucceeded } from '../fixtures/events.js';
import { chargebeeTrigger } from './factory.js';

export const paymentSucceededTrigger = chargebeeTrigger(
  'CHARGEBEE_TRIGGER_PAYMENT_SUCCEEDED',
  'payment_succeeded',
  'Payment succeeded',
  'Fires when a payment is collected (Chargebee `payment_succeeded`). Delivers the event; `content` holds the `transaction`, the paid `invoice`, the `customer` and, for subscription charges, the `subscription`.',
  paymentSucceeded,
);
