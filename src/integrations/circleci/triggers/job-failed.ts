import { defineTrigger } from '../../../sdk/index.js';
import { jobFailed } from '../fixtures/events.js';
import { CIRCLECI_WEBHOOKS_DOCS, circleciWebhook, type CircleciParams } from '../webhooks.js';
import { circleciParameters } from './params.js';

export const jobFailedTrigger = defineTrigger<CircleciParams>({
  type: 'CIRCLECI_TRIGGER_JOB_FAILED',
  title: 'Job failed',
  description:
    'Fires when a job of the project ends with status `failed` (CircleCI event `job-completed`, filtered on `job.status`). Delivers the webhook body `{id, type, happened_at, webhook, project, organization, workflow, pipeline, job}` with `job.name`, `job.number`, `job.status` and `workflow.url`.',
  parameters: circleciParameters,
  examplePayload: jobFailed,
  docsUrl: CIRCLECI_WEBHOOKS_DOCS,
  source: circleciWebhook({ event: 'job-completed', statuses: ['failed'] }),
});
