import { defineTrigger } from '../../../sdk/index.js';
import { entryPublished } from '../fixtures/events.js';
import { CONTENTFUL_WEBHOOKS_DOCS, contentfulWebhook, type ContentfulParams } from '../webhooks.js';
import { entryParameters, FILTERS_NOTE } from './params.js';

export const entryPublishedTrigger = defineTrigger<ContentfulParams>({
  type: 'CONTENTFUL_TRIGGER_ENTRY_PUBLISHED',
  title: 'Entry published',
  description: `Fires when an entry of the space is published (Contentful topic \`Entry.publish\`), once per published version. ${FILTERS_NOTE} Delivers the entry as Contentful sends it: \`sys\` (\`id\`, \`contentType\`, \`environment\`, \`version\`, \`publishedVersion\`, \`publishedAt\`, …), \`fields\` by locale and \`metadata.tags\`.`,
  parameters: entryParameters,
  examplePayload: entryPublished,
  docsUrl: CONTENTFUL_WEBHOOKS_DOCS,
  source: contentfulWebhook('Entry', 'publish'),
});
