import type { ParameterDefinition } from '../../../sdk/index.js';
import membership from '../fixtures/cadence-membership.json' with { type: 'json' };
import { salesloftTrigger } from './factory.js';

const cadenceIdParameter: ParameterDefinition = {
  id: 'cadenceId',
  title: 'Cadence ID',
  type: 'TEXT',
  required: false,
  description: 'Only people added to this Salesloft cadence — its numeric id (the number in the cadence URL). Empty: every cadence.',
  validate: (value) => (typeof value === 'string' && /^\d{1,20}$/.test(value) ? null : 'must be a Salesloft cadence id (digits)'),
};

export const cadenceMembershipCreatedTrigger = salesloftTrigger({
  type: 'SALESLOFT_TRIGGER_CADENCE_MEMBERSHIP_CREATED',
  event: 'cadence_membership_created',
  title: 'Person added to cadence',
  description:
    'Fires when a person is added to a cadence in Salesloft — webhook event `cadence_membership_created`, optionally only for one `cadenceId`. Delivers the Cadence Membership object (`person.id`, `cadence.id`, `current_state`).',
  examplePayload: membership,
  parameters: [cadenceIdParameter],
});
