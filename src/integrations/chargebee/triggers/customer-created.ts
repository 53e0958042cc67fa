import { customerCreated } from '../fixtures/events.js';
import { chargebeeTrigger } from './factory.js';

export const customerCreatedTrigger = chargebeeTrigger(
  'CHARGEBEE_TRIGGER_CUSTOMER_CREATED',
  'customer_created',
  'Customer created',
  'Fires when a customer is created, on its own or with a subscription (Chargebee `customer_created`). Delivers the event; `content.customer` is the new customer.',
  customerCreated,
);
