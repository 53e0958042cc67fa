// meetings/started: a meeting the connected user hosts started. Keyed by the meeting instance id (one per occurrence).
import { defineTrigger } from '../../../sdk/index.js';
import type { WebexParams } from '../api.js';
import example from '../fixtures/meeting-started.json' with { type: 'json' };
import { webexWebhook } from '../webhooks.js';

export const meetingStarted = defineTrigger<WebexParams>({
  type: 'WEBEX_TRIGGER_MEETING_STARTED',
  title: 'Meeting Started',
  description:
    'Trigger when a Webex meeting hosted by the connected user started. Delivers the Webex webhook envelope; `data` is the meeting instance: `id`, `meetingSeriesId`, `title`, `start`, `end`, `hostEmail`, `siteUrl`. Needs the meeting:schedules_read scope.',
  parameters: [],
  examplePayload: example,
  docsUrl: 'https://developer.webex.com/docs/webhook-event-reference',
  source: webexWebhook({ trigger: 'WEBEX_TRIGGER_MEETING_STARTED', resource: 'meetings', event: 'started' }),
});
