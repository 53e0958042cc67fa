// GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED: a push channel (events.watch) + incremental sync.
// An update is a version of an existing event (key `id:updated`) whose `updated` is at least
// CREATION_GRACE_MS after its `created`; cancellations have their own trigger. Updates to events that
// are over are skipped unless `shouldTriggerOnPastEventUpdates` is on.
import { defineTrigger } from '../../../sdk/index.js';
import { CALENDAR_PUSH_DOCS, type CalendarParams } from '../calendar.js';
import { updatedEventExample } from '../fixtures/examples.js';
import { calendarIdParameter, collapseParameter, pastUpdatesParameter } from '../parameters.js';
import { pushChannelSource } from './push-channel.js';

export const webhookEventUpdated = defineTrigger<CalendarParams>({
  type: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_UPDATED',
  title: 'Event Updated',
  description: 'Trigger when a Google Calendar Event is updated (push notifications).',
  parameters: [calendarIdParameter, collapseParameter, pastUpdatesParameter],
  examplePayload: updatedEventExample,
  docsUrl: CALENDAR_PUSH_DOCS,
  source: pushChannelSource('updated'),
});
