import opportunity from '../fixtures/opportunity.json' with { type: 'json' };
import { changeOf, idText } from '../webhooks.js';
import { copperUpdateTrigger } from './factory.js';
import { pipelineIdParameter, stageIdParameter } from './params.js';

/** The stage an update moved the opportunity into: the new half of `updated_attributes.pipeline_stage_id`. */
const newStage = (n: Parameters<typeof changeOf>[0]) => {
  const pair = changeOf(n, 'pipeline_stage_id');
  return pair ? idText(pair[1]) : null;
};

export const opportunityStageChangedTrigger = copperUpdateTrigger(
  'COPPER_TRIGGER_OPPORTUNITY_STAGE_CHANGED',
  {
    type: 'opportunity',
    // Copper sends every update of an opportunity; only those whose updated_attributes name pipeline_stage_id
    // (as [old, new]) are stage changes. Decided before the record is read.
    wants: (_id, n, params) => {
      const stage = newStage(n);
      return stage !== null && (!params.stageId || params.stageId === stage);
    },
    keyOf: (id, n, record) => {
      const stage = newStage(n);
      const when = typeof n.timestamp === 'string' && n.timestamp !== '' ? n.timestamp.slice(0, 40) : typeof record.date_modified === 'number' ? String(record.date_modified) : null;
      return stage && when ? `${id}:stage:${stage}:${when}` : null;
    },
  },
  'Opportunity stage changed',
  'Fires when an opportunity moves to another pipeline stage (webhook type `opportunity`, event `update` whose `updated_attributes` name `pipeline_stage_id`). Optionally only in one pipeline and/or into one stage. Delivers `updated_attributes` ([old, new] pairs) and the opportunity as read back.',
  { type: 'opportunity', event: 'update', id: opportunity.id, updated_attributes: { pipeline_stage_id: [987790, opportunity.pipeline_stage_id] }, record: opportunity },
  [pipelineIdParameter, stageIdParameter],
);
