import { defineTrigger } from '../../../sdk/index.js';
import { leadCreated } from '../fixtures/events.js';
import { closeWebhook } from '../webhooks.js';

export const leadCreatedTrigger = defineTrigger({
  type: 'CLOSE_TRIGGER_LEAD_CREATED',
  title: 'Lead created',
  description: 'Fires when a lead is created in Close (webhook event `lead` / `created`). Delivers the webhook body: `{subscription_id, event: {id, object_type, action, data: Lead, …}}`.',
  parameters: [],
  examplePayload: leadCreated,
  docsUrl: 'https://developer.close.com/api/resources/webhooks',
  source: closeWebhook({ objectType: 'lead', action: 'created' }),
});
