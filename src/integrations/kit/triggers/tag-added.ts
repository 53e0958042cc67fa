import { defineTrigger } from '../../../sdk/index.js';
import { subscriberTagAdded } from '../fixtures/events.js';
import { KIT_WEBHOOKS_DOCS, kitWebhook, type KitParams } from '../webhooks.js';
import { tagIdParameter } from './params.js';

export const tagAddedTrigger = defineTrigger<KitParams>({
  type: 'KIT_TRIGGER_TAG_ADDED',
  title: 'Tag added to subscriber',
  description:
    'Fires when a tag is added to a subscriber (`subscriber.tag_added`), optionally only one tag. Delivers the event `{id, type, created, data: {subscriber, tag}}`.',
  parameters: [tagIdParameter],
  examplePayload: subscriberTagAdded,
  docsUrl: KIT_WEBHOOKS_DOCS,
  source: kitWebhook('subscriber.tag_added', { param: 'tagId', resource: 'tag' }),
});
