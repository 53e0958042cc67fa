import type { ParameterDefinition } from '../../../sdk/index.js';

const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;

function numericId(what: string): (value: unknown) => string | null {
  return (value) => {
    if (value === undefined || value === null || value === '') return null;
    if ((typeof value === 'number' && Number.isSafeInteger(value) && value > 0) || (typeof value === 'string' && NUMERIC_ID.test(value))) return null;
    return `must be a Freshdesk ${what} id (a positive whole number)`;
  };
}

/** Only tickets assigned to this group (Admin → Groups; the number in the group's URL). */
export const groupIdParameter: ParameterDefinition = {
  id: 'groupId',
  title: 'Group',
  type: 'TEXT',
  required: false,
  description: 'Only tickets assigned to this group (its numeric id). Leave empty for every ticket.',
  validate: numericId('group'),
};

/** Only tickets of this company (the number in the company's URL). */
export const companyIdParameter: ParameterDefinition = {
  id: 'companyId',
  title: 'Company',
  type: 'TEXT',
  required: false,
  description: 'Only tickets of this company (its numeric id). Leave empty for every ticket.',
  validate: numericId('company'),
};
