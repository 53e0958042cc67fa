import { defineTrigger } from '../../../sdk/index.js';
import { contactCreated } from '../fixtures/events.js';
import { closeWebhook } from '../webhooks.js';

export const contactCreatedTrigger = defineTrigger({
  type: 'CLOSE_TRIGGER_CONTACT_CREATED',
  title: 'Contact created',
  description: 'Fires when a contact is created in Close (webhook event `contact` / `created`). Delivers the webhook body with `event.data` the Contact.',
  parameters: [],
  examplePayload: contactCreated,
  docsUrl: 'https://developer.close.com/api/resources/webhooks',
  source: closeWebhook({ objectType: 'contact', action: 'created' }),
});
