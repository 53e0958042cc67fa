import { defineTrigger } from '../../../sdk/index.js';
import type { AirtableParams } from '../api.js';
import { recordCreatedExample } from '../fixtures/examples.js';
import { airtableWebhook } from '../webhooks.js';
import { airtableParameters } from './params.js';

export const recordCreatedTrigger = defineTrigger<AirtableParams>({
  type: 'AIRTABLE_TRIGGER_RECORD_CREATED',
  title: 'Record created',
  description:
    'Fires when a record is created in the table (Airtable changeType `add`). Delivers `{recordId, baseId, tableId, createdTime, cellValuesByFieldId, timestamp, baseTransactionNumber, actionMetadata}`: the cell values keyed by field id, in Airtable\'s V2 cell value format.',
  parameters: airtableParameters,
  examplePayload: recordCreatedExample,
  docsUrl: 'https://airtable.com/developers/web/api/model/webhooks-table-changed',
  source: airtableWebhook('created'),
});
