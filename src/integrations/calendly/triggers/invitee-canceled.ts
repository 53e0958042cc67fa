import { defineTrigger } from '../../../sdk/index.js';
import inviteeCanceled from '../fixtures/invitee-canceled.json' with { type: 'json' };
import { calendlyWebhook, type CalendlyParams } from '../webhooks.js';
import { scopeParameter } from './params.js';

export const inviteeCanceledTrigger = defineTrigger<CalendlyParams>({
  type: 'CALENDLY_TRIGGER_INVITEE_CANCELED',
  title: 'Invitee canceled',
  description:
    'Fires when a booking is canceled (Calendly `invitee.canceled`), including the old booking of a reschedule (`payload.rescheduled: true`). Delivers the webhook body.',
  parameters: [scopeParameter],
  examplePayload: inviteeCanceled,
  docsUrl: 'https://developer.calendly.com/api-docs/calendly-api/webhooks/create-webhook-subscription',
  source: calendlyWebhook('invitee.canceled'),
});
