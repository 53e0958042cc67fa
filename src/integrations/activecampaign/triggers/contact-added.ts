import subscribe from '../fixtures/subscribe.json' with { type: 'json' };
import { listIdParameter } from '../webhooks.js';
import { webhookTrigger } from './factory.js';

export const contactAddedTrigger = webhookTrigger({
  type: 'ACTIVECAMPAIGN_TRIGGER_CONTACT_ADDED',
  title: 'Contact added / subscribed to a list',
  description:
    'Fires when a contact is added or subscribes to a list (webhook event `subscribe`, by a contact, a user, the API or an automation; imports do not fire it). With `listId`, only subscriptions to that list. Delivers `{type: "subscribe", date_time, initiated_by, list, contact: {id, email, first_name, last_name, phone, tags, …}}`.',
  parameters: [listIdParameter],
  event: 'subscribe',
  usesList: true,
  examplePayload: subscribe,
});
