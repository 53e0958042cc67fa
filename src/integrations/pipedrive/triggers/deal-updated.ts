import { defineTrigger } from '../../../sdk/index.js';
import dealUpdated from '../fixtures/deal-updated.json' with { type: 'json' };
import { pipedriveWebhook, pipelineIdParameter, type PipedriveParams } from '../webhooks.js';

export const dealUpdatedTrigger = defineTrigger<PipedriveParams>({
  type: 'PIPEDRIVE_TRIGGER_DEAL_UPDATED',
  title: 'Deal updated',
  description:
    'Fires when a deal changes in Pipedrive — stage, value, owner, status (won/lost) or any field (webhook `change.deal`, v2). Delivers the webhook body: `{meta, data: Deal after the change, previous: the changed fields before it}`.',
  parameters: [pipelineIdParameter],
  examplePayload: dealUpdated,
  docsUrl: 'https://pipedrive.readme.io/docs/guide-for-webhooks-v2',
  source: pipedriveWebhook('change', 'deal'),
});
