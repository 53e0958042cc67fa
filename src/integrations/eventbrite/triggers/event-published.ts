import event from '../fixtures/event.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const eventPublishedTrigger = webhookTrigger({
  type: 'EVENTBRITE_TRIGGER_EVENT_PUBLISHED',
  title: 'Event published',
  description:
    'Fires when an event is published and made live (webhook action `event.published`); published again after being unpublished, it fires again (keyed by the event\'s `published` time). Delivers the event — `{action: "event.published", id, name, url, start, end, status, published, …}`. With `eventId`, only that event.',
  action: 'event.published',
  examplePayload: { action: 'event.published', ...event },
});
