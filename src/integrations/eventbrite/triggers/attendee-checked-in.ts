import attendee from '../fixtures/attendee.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const attendeeCheckedInTrigger = webhookTrigger({
  type: 'EVENTBRITE_TRIGGER_ATTENDEE_CHECKED_IN',
  title: 'Attendee checked in',
  description:
    "Fires when an attendee's barcode is scanned in (webhook action `attendee.checked_in`) and the attendee, read back, is `checked_in`. Delivers the attendee — `{action: \"attendee.checked_in\", id, profile, checked_in: true, event_id, changed, …}`. With `eventId`, only that event.",
  action: 'attendee.checked_in',
  examplePayload: { action: 'attendee.checked_in', ...attendee, checked_in: true },
});
