import { defineTrigger } from '../../../sdk/index.js';
import { bookingCreated } from '../fixtures/events.js';
import { CALCOM_WEBHOOKS_DOCS, calcomWebhook, type CalcomParams } from '../webhooks.js';
import { calcomParameters } from './params.js';

export const bookingCreatedTrigger = defineTrigger<CalcomParams>({
  type: 'CALCOM_TRIGGER_BOOKING_CREATED',
  title: 'Booking created',
  description:
    'Fires when a booking is made with the connected user (Cal.com `BOOKING_CREATED`), optionally only for one event type. Delivers the webhook body `{triggerEvent, createdAt, payload}`; `payload` is the booking (`uid`, `bookingId`, `title`, `startTime`, `endTime`, `organizer`, `attendees`, `responses`, `location`, `eventTypeId`, `status`, …).',
  parameters: calcomParameters,
  examplePayload: bookingCreated,
  docsUrl: CALCOM_WEBHOOKS_DOCS,
  source: calcomWebhook('BOOKING_CREATED'),
});
