import { helpScoutTrigger } from './factory.js';

export const customerCreatedTrigger = helpScoutTrigger(
  'HELPSCOUT_TRIGGER_CUSTOMER_CREATED',
  'customer.created',
  'Customer created',
  'Fires when a customer is created, in any mailbox (Help Scout cannot filter this event by mailbox) — Help Scout `customer.created`. Delivers the v2 Customer object.',
);
