import { defineTrigger } from '../../../sdk/index.js';
import { opportunityCreated } from '../fixtures/events.js';
import { closeWebhook } from '../webhooks.js';

export const opportunityCreatedTrigger = defineTrigger({
  type: 'CLOSE_TRIGGER_OPPORTUNITY_CREATED',
  title: 'Opportunity created',
  description: 'Fires when an opportunity is created in Close (webhook event `opportunity` / `created`). Delivers the webhook body with `event.data` the Opportunity.',
  parameters: [],
  examplePayload: opportunityCreated,
  docsUrl: 'https://developer.close.com/api/resources/webhooks',
  source: closeWebhook({ objectType: 'opportunity', action: 'created' }),
});
