import type { ParameterDefinition } from '../../../sdk/index.js';

const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;

/** Only records assigned to this agent group (Admin → Groups; the number in the group's URL). */
export const groupIdParameter: ParameterDefinition = {
  id: 'groupId',
  title: 'Group',
  type: 'TEXT',
  required: false,
  description: 'Only records assigned to this agent group (its numeric id). Leave empty for every record.',
  validate: (value) => {
    if (value === undefined || value === null || value === '') return null;
    if ((typeof value === 'number' && Number.isSafeInteger(value) && value > 0) || (typeof value === 'string' && NUMERIC_ID.test(value))) return null;
    return 'must be a Freshservice group id (a positive whole number)';
  },
};

export interface GroupParams {
  groupId?: string | number;
}

/** The record matches the optional group filter. */
export function inGroup(params: GroupParams, groupId: unknown): boolean {
  const want = params.groupId;
  if (want === undefined || want === null || want === '') return true;
  return String(groupId) === String(want);
}
