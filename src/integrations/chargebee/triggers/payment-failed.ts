import { paymentFailed } from '../fixtures/events.js';
import { chargebeeTrigger } from './factory.js';

export const paymentFailedTrigger = chargebeeTrigger(
  'CHARGEBEE_TRIGGER_PAYMENT_FAILED',
  'payment_failed',
  'Payment failed',
  'Fires when a payment attempt fails (Chargebee `payment_failed`), e.g. a declined card during dunning. Delivers the event; `content` holds the failed `transaction` (`error_code`, `error_text`), the `invoice` still due, the `customer` and the `subscription`.',
  paymentFailed,
);
