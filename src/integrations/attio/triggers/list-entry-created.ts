import { defineTrigger } from '../../../sdk/index.js';
import { examples } from '../fixtures/events.js';
import { attioWebhook, readPaths, type AttioParams } from '../webhooks.js';

export const listEntryCreatedTrigger = defineTrigger<AttioParams>({
  type: 'ATTIO_TRIGGER_LIST_ENTRY_CREATED',
  title: 'List entry created',
  description:
    'Fires when a record is added to any list in Attio (webhook event `list-entry.created`). Delivers `{webhook_id, event, entry}` with the entry (parent record, list attribute values) read back from the API.',
  parameters: [],
  examplePayload: examples.listEntryCreated,
  docsUrl: 'https://docs.attio.com/rest-api/webhook-reference/list-entry-events/list-entrycreated',
  source: attioWebhook({
    eventType: 'list-entry.created',
    field: 'entry',
    keyOf: (e) => (typeof e.id?.entry_id === 'string' && e.id.entry_id !== '' ? e.id.entry_id : null),
    readPath: readPaths.entry,
  }),
});
