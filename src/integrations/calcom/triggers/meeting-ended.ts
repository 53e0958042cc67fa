import { defineTrigger } from '../../../sdk/index.js';
import { meetingEnded } from '../fixtures/events.js';
import { CALCOM_WEBHOOKS_DOCS, calcomWebhook, type CalcomParams } from '../webhooks.js';
import { calcomParameters } from './params.js';

export const meetingEndedTrigger = defineTrigger<CalcomParams>({
  type: 'CALCOM_TRIGGER_MEETING_ENDED',
  title: 'Meeting ended',
  description:
    'Fires when a booked meeting ends (Cal.com `MEETING_ENDED`). Delivers the webhook body `{triggerEvent, createdAt, payload}`; `payload` is the booking that ended.',
  parameters: calcomParameters,
  examplePayload: meetingEnded,
  docsUrl: CALCOM_WEBHOOKS_DOCS,
  source: calcomWebhook('MEETING_ENDED'),
});
