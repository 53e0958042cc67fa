import { defineTrigger } from '../../../sdk/index.js';
import { workflowFailed } from '../fixtures/events.js';
import { CIRCLECI_WEBHOOKS_DOCS, circleciWebhook, type CircleciParams } from '../webhooks.js';
import { circleciParameters } from './params.js';

export const workflowFailedTrigger = defineTrigger<CircleciParams>({
  type: 'CIRCLECI_TRIGGER_WORKFLOW_FAILED',
  title: 'Workflow failed',
  description:
    'Fires when a workflow of the project ends with status `failed` or `error` (CircleCI event `workflow-completed`, filtered on `workflow.status`). Delivers the webhook body `{id, type, happened_at, webhook, project, organization, workflow, pipeline}` with `workflow.status`, `workflow.url` and the commit of the pipeline.',
  parameters: circleciParameters,
  examplePayload: workflowFailed,
  docsUrl: CIRCLECI_WEBHOOKS_DOCS,
  source: circleciWebhook({ event: 'workflow-completed', statuses: ['failed', 'error'] }),
});
