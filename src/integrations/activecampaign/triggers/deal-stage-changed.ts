import dealUpdate from '../fixtures/deal-update-stage.json' with { type: 'json' };
import { stageIdParameter, updatedFields } from '../webhooks.js';
import { webhookTrigger } from './factory.js';

export const dealStageChangedTrigger = webhookTrigger({
  type: 'ACTIVECAMPAIGN_TRIGGER_DEAL_STAGE_CHANGED',
  title: 'Deal stage changed',
  description:
    'Fires when a deal moves to another stage: webhook event `deal_update` whose `updated_fields` name `stage`. With `stageId`, only moves into that stage. Delivers `{type: "deal_update", date_time, updated_fields, deal: {id, stageid, stage_title, pipelineid, …}, contact: {…}}`.',
  parameters: [stageIdParameter],
  event: 'deal_update',
  matches: (body, params) => updatedFields(body).includes('stage') && (!params.stageId || body.deal?.stageid === params.stageId),
  examplePayload: dealUpdate,
});
