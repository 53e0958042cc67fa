import { defineTrigger } from '../../../sdk/index.js';
import { workflowCompleted } from '../fixtures/events.js';
import { CIRCLECI_WEBHOOKS_DOCS, circleciWebhook, type CircleciParams } from '../webhooks.js';
import { circleciParameters } from './params.js';

export const workflowCompletedTrigger = defineTrigger<CircleciParams>({
  type: 'CIRCLECI_TRIGGER_WORKFLOW_COMPLETED',
  title: 'Workflow completed',
  description:
    'Fires when a workflow of the project reaches a terminal state, whatever its status (success, failed, error, canceled, unauthorized) (CircleCI event `workflow-completed`). Delivers the webhook body `{id, type, happened_at, webhook, project, organization, workflow, pipeline}`: `workflow` (`id`, `name`, `status`, `created_at`, `stopped_at`, `url`) and `pipeline` (`number`, `trigger`, `vcs` with branch, revision and commit, or `trigger_parameters`).',
  parameters: circleciParameters,
  examplePayload: workflowCompleted,
  docsUrl: CIRCLECI_WEBHOOKS_DOCS,
  source: circleciWebhook({ event: 'workflow-completed' }),
});
