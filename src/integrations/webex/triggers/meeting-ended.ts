// meetings/ended: a meeting the connected user hosts ended. Keyed by the meeting instance id (one per occurrence).
import { defineTrigger } from '../../../sdk/index.js';
import type { WebexParams } from '../api.js';
import example from '../fixtures/meeting-ended.json' with { type: 'json' };
import { webexWebhook } from '../webhooks.js';

export const meetingEnded = defineTrigger<WebexParams>({
  type: 'WEBEX_TRIGGER_MEETING_ENDED',
  title: 'Meeting Ended',
  description:
    'Trigger when a Webex meeting hosted by the connected user ended. Delivers the Webex webhook envelope; `data` is the meeting instance: `id`, `meetingSeriesId`, `title`, `start`, `end`, `hostEmail`, `siteUrl`. Needs the meeting:schedules_read scope.',
  parameters: [],
  examplePayload: example,
  docsUrl: 'https://developer.webex.com/docs/webhook-event-reference',
  source: webexWebhook({ trigger: 'WEBEX_TRIGGER_MEETING_ENDED', resource: 'meetings', event: 'ended' }),
});
