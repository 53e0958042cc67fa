// GOOGLE_SHEETS_TRIGGER_ROW_ADDED (polling): a row filled in past the sheet's last row seen so far.
import { defineTrigger } from '../../../sdk/index.js';
import { rowAddedExample } from '../fixtures/examples.js';
import { VALUES_GET_DOCS, type SheetsParams } from '../sheets.js';
import { rowParameters } from './parameters.js';
import { rowAddedSource } from './rows.js';

export const rowAdded = defineTrigger<SheetsParams>({
  type: 'GOOGLE_SHEETS_TRIGGER_ROW_ADDED',
  title: 'Row Added',
  description: 'Trigger when a new row is added at the end of a sheet in Google Sheets.',
  parameters: rowParameters,
  examplePayload: rowAddedExample,
  docsUrl: VALUES_GET_DOCS,
  source: rowAddedSource(),
});
