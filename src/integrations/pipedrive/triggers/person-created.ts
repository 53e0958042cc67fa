import { defineTrigger } from '../../../sdk/index.js';
import personCreated from '../fixtures/person-created.json' with { type: 'json' };
import { pipedriveWebhook, type PipedriveParams } from '../webhooks.js';

export const personCreatedTrigger = defineTrigger<PipedriveParams>({
  type: 'PIPEDRIVE_TRIGGER_PERSON_CREATED',
  title: 'Person created',
  description:
    'Fires when a person (contact) is added in Pipedrive (webhook `create.person`, v2). Delivers the webhook body: `{meta, data: Person, previous: null}`.',
  parameters: [],
  examplePayload: personCreated,
  docsUrl: 'https://pipedrive.readme.io/docs/guide-for-webhooks-v2',
  source: pipedriveWebhook('create', 'person'),
});
