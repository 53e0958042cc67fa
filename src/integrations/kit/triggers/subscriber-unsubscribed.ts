import { defineTrigger } from '../../../sdk/index.js';
import { subscriberUnsubscribed } from '../fixtures/events.js';
import { KIT_WEBHOOKS_DOCS, kitWebhook, type KitParams } from '../webhooks.js';

export const subscriberUnsubscribedTrigger = defineTrigger<KitParams>({
  type: 'KIT_TRIGGER_SUBSCRIBER_UNSUBSCRIBED',
  title: 'Subscriber unsubscribed',
  description:
    'Fires when a subscriber unsubscribes (`subscriber.unsubscribed`). Delivers the event `{id, type, created, data: {subscriber}}`, the subscriber with its new `state`.',
  parameters: [],
  examplePayload: subscriberUnsubscribed,
  docsUrl: KIT_WEBHOOKS_DOCS,
  source: kitWebhook('subscriber.unsubscribed'),
});
