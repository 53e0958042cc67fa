import dealAdd from '../fixtures/deal-add.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const dealCreatedTrigger = webhookTrigger({
  type: 'ACTIVECAMPAIGN_TRIGGER_DEAL_CREATED',
  title: 'Deal created',
  description:
    'Fires when a deal is added (webhook event `deal_add`). Delivers `{type: "deal_add", date_time, initiated_by, deal: {id, title, stageid, stage_title, pipelineid, pipeline_title, value, currency, owner, contactid, …}, contact: {…}}`.',
  parameters: [],
  event: 'deal_add',
  examplePayload: dealAdd,
});
