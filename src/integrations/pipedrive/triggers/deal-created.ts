import { defineTrigger } from '../../../sdk/index.js';
import dealCreated from '../fixtures/deal-created.json' with { type: 'json' };
import { pipedriveWebhook, pipelineIdParameter, type PipedriveParams } from '../webhooks.js';

export const dealCreatedTrigger = defineTrigger<PipedriveParams>({
  type: 'PIPEDRIVE_TRIGGER_DEAL_CREATED',
  title: 'Deal created',
  description:
    'Fires when a deal is added in Pipedrive (webhook `create.deal`, v2). Delivers the webhook body: `{meta, data: Deal, previous: null}`.',
  parameters: [pipelineIdParameter],
  examplePayload: dealCreated,
  docsUrl: 'https://pipedrive.readme.io/docs/guide-for-webhooks-v2',
  source: pipedriveWebhook('create', 'deal'),
});
