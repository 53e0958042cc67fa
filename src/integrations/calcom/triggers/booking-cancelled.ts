import { defineTrigger } from '../../../sdk/index.js';
import { bookingCancelled } from '../fixtures/events.js';
import { CALCOM_WEBHOOKS_DOCS, calcomWebhook, type CalcomParams } from '../webhooks.js';
import { calcomParameters } from './params.js';

export const bookingCancelledTrigger = defineTrigger<CalcomParams>({
  type: 'CALCOM_TRIGGER_BOOKING_CANCELLED',
  title: 'Booking cancelled',
  description:
    'Fires when a booking is cancelled (Cal.com `BOOKING_CANCELLED`). Delivers the webhook body `{triggerEvent, createdAt, payload}`; `payload` is the booking with `cancellationReason`.',
  parameters: calcomParameters,
  examplePayload: bookingCancelled,
  docsUrl: CALCOM_WEBHOOKS_DOCS,
  source: calcomWebhook('BOOKING_CANCELLED'),
});
