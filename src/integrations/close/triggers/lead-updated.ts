import { defineTrigger } from '../../../sdk/index.js';
import { leadUpdated } from '../fixtures/events.js';
import { closeWebhook } from '../webhooks.js';

export const leadUpdatedTrigger = defineTrigger({
  type: 'CLOSE_TRIGGER_LEAD_UPDATED',
  title: 'Lead updated',
  description: 'Fires when a lead is changed in Close (webhook event `lead` / `updated`), once per Close event. Delivers the webhook body; `event.changed_fields` and `event.previous_data` say what changed.',
  parameters: [],
  examplePayload: leadUpdated,
  docsUrl: 'https://developer.close.com/api/resources/webhooks',
  source: closeWebhook({ objectType: 'lead', action: 'updated' }),
});
