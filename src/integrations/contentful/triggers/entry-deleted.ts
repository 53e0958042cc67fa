import { defineTrigger } from '../../../sdk/index.js';
import { entryDeleted } from '../fixtures/events.js';
import { CONTENTFUL_WEBHOOKS_DOCS, contentfulWebhook, type ContentfulParams } from '../webhooks.js';
import { entryParameters, FILTERS_NOTE } from './params.js';

export const entryDeletedTrigger = defineTrigger<ContentfulParams>({
  type: 'CONTENTFUL_TRIGGER_ENTRY_DELETED',
  title: 'Entry deleted',
  description: `Fires when an entry is deleted (topic \`Entry.delete\`). ${FILTERS_NOTE} Delivers Contentful's \`DeletedEntry\` tombstone (\`sys\` only).`,
  parameters: entryParameters,
  examplePayload: entryDeleted,
  docsUrl: CONTENTFUL_WEBHOOKS_DOCS,
  source: contentfulWebhook('Entry', 'delete'),
});
