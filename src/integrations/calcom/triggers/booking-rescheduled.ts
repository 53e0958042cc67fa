import { defineTrigger } from '../../../sdk/index.js';
import { bookingRescheduled } from '../fixtures/events.js';
import { CALCOM_WEBHOOKS_DOCS, calcomWebhook, type CalcomParams } from '../webhooks.js';
import { calcomParameters } from './params.js';

export const bookingRescheduledTrigger = defineTrigger<CalcomParams>({
  type: 'CALCOM_TRIGGER_BOOKING_RESCHEDULED',
  title: 'Booking rescheduled',
  description:
    'Fires when a booking is moved to another time (Cal.com `BOOKING_RESCHEDULED`). Delivers the webhook body `{triggerEvent, createdAt, payload}`; `payload` is the booking at its new time, with `rescheduleUid` naming the booking it replaces.',
  parameters: calcomParameters,
  examplePayload: bookingRescheduled,
  docsUrl: CALCOM_WEBHOOKS_DOCS,
  source: calcomWebhook('BOOKING_RESCHEDULED'),
});
