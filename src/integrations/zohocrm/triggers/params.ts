import type { ParameterDefinition } from '../../../sdk/index.js';
import { MODULES, validateModule } from '../records.js';

export const recordTypeParameter: ParameterDefinition = {
  id: 'recordType',
  title: 'Record type',
  type: 'ENUM',
  required: true,
  description: 'The Zoho CRM module whose records are watched.',
  options: MODULES.map((m) => ({ label: m, value: m })),
  validate: validateModule,
};

export const recordsFilterFormulaParameter: ParameterDefinition = {
  id: 'recordsFilterFormula',
  title: 'Filter records',
  type: 'CONDITIONAL',
  required: false,
  description: 'Only records matching these conditions (fields by API name, e.g. Lead_Status, Amount), applied to each record.',
};
