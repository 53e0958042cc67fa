import type { ParameterDefinition } from '../../../sdk/index.js';

export const sheetIdParameter: ParameterDefinition = {
  id: 'sheetId',
  title: 'Sheet ID',
  type: 'TEXT',
  required: true,
  description: 'The id of the Smartsheet sheet to watch (File → Properties → Sheet ID in Smartsheet).',
  validate: (value) =>
    typeof value === 'string' && /^\d{1,16}$/.test(value) && Number.isSafeInteger(Number(value)) ? null : 'must be a Smartsheet sheet id (digits)',
};
