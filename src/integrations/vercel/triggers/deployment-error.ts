import { defineTrigger } from '../../../sdk/index.js';
import { deploymentError } from '../fixtures/events.js';
import { VERCEL_WEBHOOKS_DOCS, vercelWebhook, type VercelParams } from '../webhooks.js';
import { deploymentParameters } from './params.js';

export const deploymentErrorTrigger = defineTrigger<VercelParams>({
  type: 'VERCEL_TRIGGER_DEPLOYMENT_FAILED',
  title: 'Deployment failed',
  description:
    'Fires when a deployment fails in the account or team, or in one project (Vercel event `deployment.error`). Delivers the webhook body `{id, type, createdAt, region, payload}` with `payload.deployment`, `payload.project.id`, `payload.target` and `payload.links`.',
  parameters: deploymentParameters,
  examplePayload: deploymentError,
  docsUrl: VERCEL_WEBHOOKS_DOCS,
  source: vercelWebhook('deployment.error'),
});
