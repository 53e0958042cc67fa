// GOOGLE_SHEETS_TRIGGER_ROW_UPDATED (polling): a row whose content changed since the previous poll.
import { defineTrigger } from '../../../sdk/index.js';
import { rowUpdatedExample } from '../fixtures/examples.js';
import { VALUES_GET_DOCS, type SheetsParams } from '../sheets.js';
import { rowParameters } from './parameters.js';
import { rowUpdatedSource } from './rows.js';

export const rowUpdated = defineTrigger<SheetsParams>({
  type: 'GOOGLE_SHEETS_TRIGGER_ROW_UPDATED',
  title: 'Row Updated',
  description: 'Trigger when the content of an existing row changes in a sheet in Google Sheets.',
  parameters: rowParameters,
  examplePayload: rowUpdatedExample,
  docsUrl: VALUES_GET_DOCS,
  source: rowUpdatedSource(),
});
