import { defineTrigger } from '../../../sdk/index.js';
import collectionItemCreated from '../fixtures/collection-item-created.json' with { type: 'json' };
import { webflowWebhook, type WebflowParams } from '../webhooks.js';
import { collectionIdParameter, siteIdParameter } from './params.js';

export const collectionItemCreatedTrigger = defineTrigger<WebflowParams>({
  type: 'WEBFLOW_TRIGGER_COLLECTION_ITEM_CREATED',
  title: 'New CMS item',
  description:
    'Fires when a CMS collection item is created on the site (Webflow `collection_item_created`), optionally only in one collection. Delivers the webhook body: `{triggerType, payload: {id, collectionId, siteId, fieldData, createdOn, …}}`.',
  parameters: [siteIdParameter, collectionIdParameter],
  examplePayload: collectionItemCreated,
  docsUrl: 'https://developers.webflow.com/data/reference/webhooks/events/collection-item-created',
  source: webflowWebhook('collection_item_created'),
});
