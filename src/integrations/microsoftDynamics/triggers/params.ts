import type { ParameterDefinition } from '../../../sdk/index.js';
import { TABLES, validateTable } from '../records.js';

export const recordTypeParameter: ParameterDefinition = {
  id: 'recordType',
  title: 'Record type',
  type: 'ENUM',
  required: true,
  description: 'The Dynamics 365 Sales table whose rows are watched (its entity set: leads, contacts, accounts, opportunities).',
  options: Object.entries(TABLES).map(([value, t]) => ({ label: t.label, value })),
  validate: validateTable,
};

export const recordsFilterFormulaParameter: ParameterDefinition = {
  id: 'recordsFilterFormula',
  title: 'Filter records',
  type: 'CONDITIONAL',
  required: false,
  description: 'Only rows matching these conditions (columns by logical name, e.g. statuscode, estimatedvalue), applied to each row.',
};
