import { defineTrigger } from '../../../sdk/index.js';
import inviteeCreated from '../fixtures/invitee-created.json' with { type: 'json' };
import { calendlyWebhook, type CalendlyParams } from '../webhooks.js';
import { scopeParameter } from './params.js';

export const inviteeCreatedTrigger = defineTrigger<CalendlyParams>({
  type: 'CALENDLY_TRIGGER_INVITEE_CREATED',
  title: 'Invitee created',
  description:
    'Fires when someone books an event (Calendly `invitee.created`), including the new booking of a reschedule. Delivers the webhook body: `{event, created_at, created_by, payload: Invitee}`.',
  parameters: [scopeParameter],
  examplePayload: inviteeCreated,
  docsUrl: 'https://developer.calendly.com/api-docs/calendly-api/webhooks/create-webhook-subscription',
  source: calendlyWebhook('invitee.created'),
});
