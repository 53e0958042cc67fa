import { defineTrigger } from '../../../sdk/index.js';
import { subscriberCreated } from '../fixtures/events.js';
import { KIT_WEBHOOKS_DOCS, kitWebhook, type KitParams } from '../webhooks.js';

export const subscriberCreatedTrigger = defineTrigger<KitParams>({
  type: 'KIT_TRIGGER_SUBSCRIBER_CREATED',
  title: 'Subscriber created',
  description:
    'Fires when a subscriber is added to the Kit account (`subscriber.created`). Delivers the event `{id, type, created, data: {subscriber}}`; `subscriber` has `id`, `first_name`, `email_address`, `state`, `created_at` and custom `fields`.',
  parameters: [],
  examplePayload: subscriberCreated,
  docsUrl: KIT_WEBHOOKS_DOCS,
  source: kitWebhook('subscriber.created'),
});
