import { defineTrigger } from '../../../sdk/index.js';
import { assetPublished } from '../fixtures/events.js';
import { CONTENTFUL_WEBHOOKS_DOCS, contentfulWebhook, type ContentfulParams } from '../webhooks.js';
import { assetParameters } from './params.js';

export const assetPublishedTrigger = defineTrigger<ContentfulParams>({
  type: 'CONTENTFUL_TRIGGER_ASSET_PUBLISHED',
  title: 'Asset published',
  description: 'Fires when an asset (image, video, file) of the space is published (topic `Asset.publish`), once per published version; optionally only in one environment. Delivers the asset: `sys` and `fields.title` / `fields.file` by locale (`url`, `fileName`, `contentType`, `details`).',
  parameters: assetParameters,
  examplePayload: assetPublished,
  docsUrl: CONTENTFUL_WEBHOOKS_DOCS,
  source: contentfulWebhook('Asset', 'publish'),
});
