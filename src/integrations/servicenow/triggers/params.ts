import type { ParameterDefinition } from '../../../sdk/index.js';
import { TABLES, validateTable } from '../api.js';

export const tableParameter: ParameterDefinition = {
  id: 'table',
  title: 'Table',
  type: 'ENUM',
  required: true,
  description: 'The ServiceNow table whose records are watched.',
  options: TABLES.map((t) => ({ label: t, value: t })),
  validate: validateTable,
};
