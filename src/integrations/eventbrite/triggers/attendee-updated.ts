import attendee from '../fixtures/attendee.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const attendeeUpdatedTrigger = webhookTrigger({
  type: 'EVENTBRITE_TRIGGER_ATTENDEE_UPDATED',
  title: 'Attendee updated',
  description:
    'Fires when attendee data changes (webhook action `attendee.updated`; Eventbrite has no "attendee created" action — use Order placed for new registrations). Once per attendee version (`changed`). Delivers the attendee as `GET /events/{event}/attendees/{id}/` returns it — `{action: "attendee.updated", id, profile, ticket_class_name, status, checked_in, event_id, order_id, changed, …}`. With `eventId`, only that event.',
  action: 'attendee.updated',
  examplePayload: { action: 'attendee.updated', ...attendee },
});
