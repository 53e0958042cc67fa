import unsubscribe from '../fixtures/unsubscribe.json' with { type: 'json' };
import { listIdParameter } from '../webhooks.js';
import { webhookTrigger } from './factory.js';

export const contactUnsubscribedTrigger = webhookTrigger({
  type: 'ACTIVECAMPAIGN_TRIGGER_CONTACT_UNSUBSCRIBED',
  title: 'Contact unsubscribed',
  description:
    'Fires when a contact unsubscribes from a list (webhook event `unsubscribe`). With `listId`, only that list. Delivers `{type: "unsubscribe", date_time, initiated_by, list, contact: {…}}`.',
  parameters: [listIdParameter],
  event: 'unsubscribe',
  usesList: true,
  examplePayload: unsubscribe,
});
