import { defineTrigger } from '../../../sdk/index.js';
import type { AirtableParams } from '../api.js';
import { recordDeletedExample } from '../fixtures/examples.js';
import { airtableWebhook } from '../webhooks.js';
import { airtableParameters } from './params.js';

export const recordDeletedTrigger = defineTrigger<AirtableParams>({
  type: 'AIRTABLE_TRIGGER_RECORD_DELETED',
  title: 'Record deleted',
  description:
    'Fires when a record is deleted from the table (Airtable changeType `remove`). Delivers `{recordId, baseId, tableId, timestamp, baseTransactionNumber, actionMetadata}`: Airtable sends no cell values for deleted records.',
  parameters: airtableParameters,
  examplePayload: recordDeletedExample,
  docsUrl: 'https://airtable.com/developers/web/api/model/webhooks-table-changed',
  source: airtableWebhook('deleted'),
});
