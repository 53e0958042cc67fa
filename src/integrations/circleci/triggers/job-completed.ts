import { defineTrigger } from '../../../sdk/index.js';
import { jobCompleted } from '../fixtures/events.js';
import { CIRCLECI_WEBHOOKS_DOCS, circleciWebhook, type CircleciParams } from '../webhooks.js';
import { circleciParameters } from './params.js';

export const jobCompletedTrigger = defineTrigger<CircleciParams>({
  type: 'CIRCLECI_TRIGGER_JOB_COMPLETED',
  title: 'Job completed',
  description:
    'Fires when a job of the project reaches a terminal state, whatever its status (success, failed, canceled, unauthorized) (CircleCI event `job-completed`). Delivers the webhook body `{id, type, happened_at, webhook, project, organization, workflow, pipeline, job}`: `job` (`id`, `number`, `name`, `status`, `started_at`, `stopped_at`), its workflow and pipeline.',
  parameters: circleciParameters,
  examplePayload: jobCompleted,
  docsUrl: CIRCLECI_WEBHOOKS_DOCS,
  source: circleciWebhook({ event: 'job-completed' }),
});
