// GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CANCELLED: a push channel (events.watch) + incremental sync.
// A cancellation is a changed event with `status: "cancelled"` (deleted events, and cancelled instances
// of a recurring event). The payload is the event as the sync returns it: a deleted event is only
// guaranteed to carry its `id`.
import { defineTrigger } from '../../../sdk/index.js';
import { CALENDAR_PUSH_DOCS, type CalendarParams } from '../calendar.js';
import { cancelledEventExample } from '../fixtures/examples.js';
import { calendarIdParameter, collapseParameter } from '../parameters.js';
import { pushChannelSource } from './push-channel.js';

export const webhookEventCancelled = defineTrigger<CalendarParams>({
  type: 'GOOGLE_CALENDAR_WEBHOOK_TRIGGER_EVENT_CANCELLED',
  title: 'Event Cancelled',
  description: 'Trigger when a Google Calendar Event is cancelled or deleted (push notifications).',
  parameters: [calendarIdParameter, collapseParameter],
  examplePayload: cancelledEventExample,
  docsUrl: CALENDAR_PUSH_DOCS,
  source: pushChannelSource('cancelled'),
});
