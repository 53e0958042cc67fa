import { defineTrigger } from '../../../sdk/index.js';
import organizationCreated from '../fixtures/organization-created.json' with { type: 'json' };
import { pipedriveWebhook, type PipedriveParams } from '../webhooks.js';

export const organizationCreatedTrigger = defineTrigger<PipedriveParams>({
  type: 'PIPEDRIVE_TRIGGER_ORGANIZATION_CREATED',
  title: 'Organization created',
  description:
    'Fires when an organization is added in Pipedrive (webhook `create.organization`, v2). Delivers the webhook body: `{meta, data: Organization, previous: null}`.',
  parameters: [],
  examplePayload: organizationCreated,
  docsUrl: 'https://pipedrive.readme.io/docs/guide-for-webhooks-v2',
  source: pipedriveWebhook('create', 'organization'),
});
