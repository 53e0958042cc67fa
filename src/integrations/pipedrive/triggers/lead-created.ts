import { defineTrigger } from '../../../sdk/index.js';
import leadCreated from '../fixtures/lead-created.json' with { type: 'json' };
import { pipedriveWebhook, type PipedriveParams } from '../webhooks.js';

export const leadCreatedTrigger = defineTrigger<PipedriveParams>({
  type: 'PIPEDRIVE_TRIGGER_LEAD_CREATED',
  title: 'Lead created',
  description:
    'Fires when a lead is added in Pipedrive (webhook `create.lead`, v2 only). Delivers the webhook body: `{meta, data: Lead, previous: null}`; lead ids are UUIDs.',
  parameters: [],
  examplePayload: leadCreated,
  docsUrl: 'https://pipedrive.readme.io/docs/guide-for-webhooks-v2',
  source: pipedriveWebhook('create', 'lead'),
});
