import { defineTrigger } from '../../../sdk/index.js';
import row from '../fixtures/row.json' with { type: 'json' };
import { SMARTSHEET_WEBHOOKS_DOCS, smartsheetWebhook, type SmartsheetParams } from '../webhooks.js';
import { sheetIdParameter } from './params.js';

export const rowCreatedTrigger = defineTrigger<SmartsheetParams>({
  type: 'SMARTSHEET_TRIGGER_ROW_CREATED',
  title: 'Row created',
  description:
    'Fires when a row is added to the sheet (a `row` `created` event of the sheet webhook). Delivers the row as `GET /sheets/{sheetId}/rows/{rowId}` returns it (`id`, `rowNumber`, `cells[]` with `columnId` and `value`, `createdAt`, `modifiedAt`); a row deleted before it could be read is skipped.',
  parameters: [sheetIdParameter],
  examplePayload: row,
  docsUrl: SMARTSHEET_WEBHOOKS_DOCS,
  source: smartsheetWebhook('created'),
});
