import type { ParameterDefinition } from '../../../sdk/index.js';
import { BASE_ID, TABLE_ID } from '../api.js';

const airtableId = (pattern: RegExp, what: string, prefix: string, where: string) => (value: unknown) =>
  typeof value === 'string' && pattern.test(value)
    ? null
    : `must be an Airtable ${what} id: "${prefix}" followed by 14 letters or digits, as in ${where}`;

export const baseIdParameter: ParameterDefinition = {
  id: 'baseId',
  title: 'Base ID',
  type: 'TEXT',
  required: true,
  description: 'The base to watch: its id starts with "app" and is the first part of the path in the base\'s URL (airtable.com/appXXXXXXXXXXXXXX/…).',
  placeholder: 'appXXXXXXXXXXXXXX',
  validate: airtableId(BASE_ID, 'base', 'app', 'the base URL airtable.com/appXXXXXXXXXXXXXX/…'),
};

export const tableIdParameter: ParameterDefinition = {
  id: 'tableId',
  title: 'Table ID',
  type: 'TEXT',
  required: true,
  description: 'The table to watch: its id starts with "tbl" and follows the base id in the table\'s URL (airtable.com/appXXXXXXXXXXXXXX/tblXXXXXXXXXXXXXX/…). Table names are not accepted: Airtable webhooks take ids.',
  placeholder: 'tblXXXXXXXXXXXXXX',
  validate: airtableId(TABLE_ID, 'table', 'tbl', 'the table URL airtable.com/appXXXXXXXXXXXXXX/tblXXXXXXXXXXXXXX/…'),
};

export const airtableParameters: ParameterDefinition[] = [baseIdParameter, tableIdParameter];
