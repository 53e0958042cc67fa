import event from '../fixtures/event.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const eventCreatedTrigger = webhookTrigger({
  type: 'EVENTBRITE_TRIGGER_EVENT_CREATED',
  title: 'Event created',
  description:
    'Fires when an event is created in the organization (webhook action `event.created`), once per event. Delivers the event as `GET /events/{id}/` returns it — `{action: "event.created", id, name, url, start, end, status, organization_id, created, …}`.',
  action: 'event.created',
  perEvent: false,
  examplePayload: { action: 'event.created', ...event, status: 'draft', published: null },
});
