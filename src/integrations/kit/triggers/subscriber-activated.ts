import { defineTrigger } from '../../../sdk/index.js';
import { subscriberActivated } from '../fixtures/events.js';
import { KIT_WEBHOOKS_DOCS, kitWebhook, type KitParams } from '../webhooks.js';

export const subscriberActivatedTrigger = defineTrigger<KitParams>({
  type: 'KIT_TRIGGER_SUBSCRIBER_ACTIVATED',
  title: 'Subscriber activated',
  description:
    'Fires when a subscriber becomes active, e.g. after confirming their address (`subscriber.activated`). Delivers the event `{id, type, created, data: {subscriber}}`.',
  parameters: [],
  examplePayload: subscriberActivated,
  docsUrl: KIT_WEBHOOKS_DOCS,
  source: kitWebhook('subscriber.activated'),
});
