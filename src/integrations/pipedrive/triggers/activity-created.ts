import { defineTrigger } from '../../../sdk/index.js';
import activityCreated from '../fixtures/activity-created.json' with { type: 'json' };
import { pipedriveWebhook, type PipedriveParams } from '../webhooks.js';

export const activityCreatedTrigger = defineTrigger<PipedriveParams>({
  type: 'PIPEDRIVE_TRIGGER_ACTIVITY_CREATED',
  title: 'Activity created',
  description:
    'Fires when an activity (call, meeting, task, …) is added in Pipedrive (webhook `create.activity`, v2). Delivers the webhook body: `{meta, data: Activity, previous: null}`.',
  parameters: [],
  examplePayload: activityCreated,
  docsUrl: 'https://pipedrive.readme.io/docs/guide-for-webhooks-v2',
  source: pipedriveWebhook('create', 'activity'),
});
