// The parameters of the Google Sheets row triggers.
import type { ParameterDefinition } from '../../../sdk/index.js';
import { validateSheetName, validateSpreadsheetId } from '../sheets.js';

export const spreadsheetIdParameter: ParameterDefinition = {
  id: 'spreadsheetId',
  title: 'Spreadsheet',
  type: 'TEXT',
  required: true,
  description: 'The spreadsheet id: the part between /d/ and /edit in https://docs.google.com/spreadsheets/d/<id>/edit.',
  placeholder: '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms',
  validate: validateSpreadsheetId,
};

export const sheetNameParameter: ParameterDefinition = {
  id: 'sheetName',
  title: 'Sheet',
  type: 'TEXT',
  required: false,
  description: 'The title of the sheet (tab) to watch. Empty: the first sheet of the spreadsheet, resolved when the subscription starts.',
  placeholder: 'Sheet1',
  validate: validateSheetName,
};

export const headerRowParameter: ParameterDefinition = {
  id: 'headerRow',
  title: 'First row is a header',
  type: 'BOOLEAN_INPUT',
  required: false,
  defaultValue: false,
  description: 'Row 1 holds column names: it is never reported, and each event carries `record`, the row keyed by those names.',
};

export const rowParameters = [spreadsheetIdParameter, sheetNameParameter, headerRowParameter];
