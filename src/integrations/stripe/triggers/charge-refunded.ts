import { stripeEvents } from '../fixtures/events.js';
import { stripeEventTrigger } from './factory.js';

export const chargeRefunded = stripeEventTrigger({
  type: 'STRIPE_TRIGGER_CHARGE_REFUNDED',
  title: 'Charge refunded',
  description: 'Fires when a charge is refunded, fully or partially (event charge.refunded). Delivers the Stripe Event object.',
  eventType: 'charge.refunded',
  examplePayload: stripeEvents.chargeRefunded,
});
