import { defineTrigger } from '../../../sdk/index.js';
import { entryCreated } from '../fixtures/events.js';
import { CONTENTFUL_WEBHOOKS_DOCS, contentfulWebhook, type ContentfulParams } from '../webhooks.js';
import { entryParameters, FILTERS_NOTE } from './params.js';

export const entryCreatedTrigger = defineTrigger<ContentfulParams>({
  type: 'CONTENTFUL_TRIGGER_ENTRY_CREATED',
  title: 'Entry created',
  description: `Fires when an entry is created in the space (topic \`Entry.create\`), once per entry. ${FILTERS_NOTE} Delivers the new entry (\`sys\` with \`version\` 1, its \`fields\` as created).`,
  parameters: entryParameters,
  examplePayload: entryCreated,
  docsUrl: CONTENTFUL_WEBHOOKS_DOCS,
  source: contentfulWebhook('Entry', 'create'),
});
