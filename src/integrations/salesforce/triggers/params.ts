import type { ParameterDefinition } from '../../../sdk/index.js';
import { validateObjectName } from '../soql.js';

export const recordTypeParameter: ParameterDefinition = {
  id: 'recordType',
  title: 'Record type',
  type: 'TEXT',
  required: true,
  description: 'The object API name: Account, Contact, Lead, Opportunity, Task, or a custom object such as Invoice__c.',
  placeholder: 'Opportunity',
  validate: validateObjectName,
};

export const filterFormulaParameter: ParameterDefinition = {
  id: 'filterFormula',
  title: 'Filter records',
  type: 'CONDITIONAL',
  required: false,
  description:
    'Only records matching these conditions (fields by API name, e.g. StageName, Amount). Applied to every record; ' +
    'the part SOQL can express is also sent to Salesforce as escaped literals, never as text you typed.',
};
