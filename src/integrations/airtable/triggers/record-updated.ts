import { defineTrigger } from '../../../sdk/index.js';
import type { AirtableParams } from '../api.js';
import { recordUpdatedExample } from '../fixtures/examples.js';
import { airtableWebhook } from '../webhooks.js';
import { airtableParameters } from './params.js';

export const recordUpdatedTrigger = defineTrigger<AirtableParams>({
  type: 'AIRTABLE_TRIGGER_RECORD_UPDATED',
  title: 'Record updated',
  description:
    'Fires when cells of a record in the table change (Airtable changeType `update`). Delivers `{recordId, baseId, tableId, current, previous, unchanged, timestamp, baseTransactionNumber, actionMetadata}`: `current.cellValuesByFieldId` holds the changed cells, `previous` their values before, `unchanged` the record\'s other cells.',
  parameters: airtableParameters,
  examplePayload: recordUpdatedExample,
  docsUrl: 'https://airtable.com/developers/web/api/model/webhooks-table-changed',
  source: airtableWebhook('updated'),
});
