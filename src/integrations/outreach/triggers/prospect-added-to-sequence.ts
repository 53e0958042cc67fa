import type { ParameterDefinition } from '../../../sdk/index.js';
import { sequenceStateCreated } from '../fixtures/events.js';
import { attributeText, outreachId, relatedId, timeOf } from '../webhooks.js';
import { outreachTrigger } from './factory.js';

export interface SequenceParams {
  sequenceId?: string;
}

export const sequenceIdParameter: ParameterDefinition = {
  id: 'sequenceId',
  title: 'Sequence ID',
  type: 'TEXT',
  required: false,
  description: 'Only prospects added to this Outreach sequence (its numeric id, as in the sequence URL). Empty: every sequence.',
  validate: (value) => (typeof value === 'string' && /^\d{1,20}$/.test(value) ? null : 'must be an Outreach sequence id (digits)'),
};

export const prospectAddedToSequenceTrigger = outreachTrigger<SequenceParams>({
  type: 'OUTREACH_TRIGGER_PROSPECT_ADDED_TO_SEQUENCE',
  title: 'Prospect added to sequence',
  description:
    'Fires when a prospect is added to a sequence in Outreach: a sequence state is created (webhook `sequenceState` / `created`). Delivers the JSON:API document; `data.relationships` name the prospect, the sequence and the mailbox. Optional `sequenceId` keeps one sequence.',
  examplePayload: sequenceStateCreated,
  parameters: [sequenceIdParameter],
  spec: {
    resource: 'sequenceState',
    action: 'created',
    key: (d) => outreachId(d.data.id),
    occurredAt: (d) => timeOf(attributeText(d, 'createdAt')),
    // Outreach webhooks filter by resource and action only, so the sequence is checked here.
    accept: (d, params) => !params.sequenceId || relatedId(d, 'sequence') === params.sequenceId,
  },
});
