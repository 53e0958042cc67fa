// GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED: a push channel (events.watch) + incremental sync.
// Created = an event whose `created` time is after the subscription started, reported once (key: the
// event id, or the series id when recurring updates are collapsed).
import { defineTrigger } from '../../../sdk/index.js';
import { CALENDAR_PUSH_DOCS, type CalendarParams } from '../calendar.js';
import { eventExample } from '../fixtures/examples.js';
import { calendarIdParameter, collapseParameter } from '../parameters.js';
import { pushChannelSource } from './push-channel.js';

export const webhookEventCreated = defineTrigger<CalendarParams>({
  type: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CREATED',
  title: 'Event Created',
  description: 'Trigger when a Google Calendar Event is created (push notifications).',
  parameters: [calendarIdParameter, collapseParameter],
  examplePayload: eventExample,
  docsUrl: CALENDAR_PUSH_DOCS,
  source: pushChannelSource('created'),
});
