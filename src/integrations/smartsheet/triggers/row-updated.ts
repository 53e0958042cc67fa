import { defineTrigger } from '../../../sdk/index.js';
import row from '../fixtures/row.json' with { type: 'json' };
import { SMARTSHEET_WEBHOOKS_DOCS, smartsheetWebhook, type SmartsheetParams } from '../webhooks.js';
import { sheetIdParameter } from './params.js';

export const rowUpdatedTrigger = defineTrigger<SmartsheetParams>({
  type: 'SMARTSHEET_TRIGGER_ROW_UPDATED',
  title: 'Row updated',
  description:
    "Fires when a row's cells or attributes change (`row` `updated` or `cell` events naming the row; not for rows created in the same callback). Delivers the row as read after the change; one event per row version (`modifiedAt`).",
  parameters: [sheetIdParameter],
  examplePayload: row,
  docsUrl: SMARTSHEET_WEBHOOKS_DOCS,
  source: smartsheetWebhook('updated'),
});
