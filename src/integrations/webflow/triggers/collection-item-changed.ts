import { defineTrigger } from '../../../sdk/index.js';
import collectionItemChanged from '../fixtures/collection-item-changed.json' with { type: 'json' };
import { webflowWebhook, type WebflowParams } from '../webhooks.js';
import { collectionIdParameter, siteIdParameter } from './params.js';

export const collectionItemChangedTrigger = defineTrigger<WebflowParams>({
  type: 'WEBFLOW_TRIGGER_COLLECTION_ITEM_CHANGED',
  title: 'CMS item updated',
  description:
    'Fires when a CMS collection item is changed (Webflow `collection_item_changed`), once per saved version (`lastUpdated`), optionally only in one collection. Delivers the webhook body.',
  parameters: [siteIdParameter, collectionIdParameter],
  examplePayload: collectionItemChanged,
  docsUrl: 'https://developers.webflow.com/data/reference/webhooks/events/collection-item-changed',
  source: webflowWebhook('collection_item_changed'),
});
