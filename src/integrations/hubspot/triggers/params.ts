import type { ParameterDefinition } from '../../../sdk/index.js';
import { validateRecordType } from '../search.js';

export const recordTypeParameter: ParameterDefinition = {
  id: 'recordType',
  title: 'Record type',
  type: 'TEXT',
  required: true,
  description: 'contacts, companies, deals, tickets, or a custom object type id (e.g. 2-123456).',
  placeholder: 'contacts',
  validate: validateRecordType,
};
