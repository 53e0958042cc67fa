import { defineTrigger } from '../../../sdk/index.js';
import { entryUnpublished } from '../fixtures/events.js';
import { CONTENTFUL_WEBHOOKS_DOCS, contentfulWebhook, type ContentfulParams } from '../webhooks.js';
import { entryParameters, FILTERS_NOTE } from './params.js';

export const entryUnpublishedTrigger = defineTrigger<ContentfulParams>({
  type: 'CONTENTFUL_TRIGGER_ENTRY_UNPUBLISHED',
  title: 'Entry unpublished',
  description: `Fires when a published entry is unpublished (topic \`Entry.unpublish\`). ${FILTERS_NOTE} Delivers Contentful's \`DeletedEntry\` tombstone: \`sys\` only (\`id\`, \`contentType\`, \`environment\`, \`deletedAt\`, \`deletedBy\`, …), no fields.`,
  parameters: entryParameters,
  examplePayload: entryUnpublished,
  docsUrl: CONTENTFUL_WEBHOOKS_DOCS,
  source: contentfulWebhook('Entry', 'unpublish'),
});
