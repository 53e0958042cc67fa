import { defineTrigger } from '../../../sdk/index.js';
import { deploymentSucceeded } from '../fixtures/events.js';
import { VERCEL_WEBHOOKS_DOCS, vercelWebhook, type VercelParams } from '../webhooks.js';
import { deploymentParameters } from './params.js';

export const deploymentSucceededTrigger = defineTrigger<VercelParams>({
  type: 'VERCEL_TRIGGER_DEPLOYMENT_SUCCEEDED',
  title: 'Deployment succeeded',
  description:
    'Fires when a deployment finishes successfully in the account or team, or in one project (Vercel event `deployment.succeeded`). Delivers the webhook body `{id, type, createdAt, region, payload}` with `payload.deployment`, `payload.project.id`, `payload.target` and `payload.links`.',
  parameters: deploymentParameters,
  examplePayload: deploymentSucceeded,
  docsUrl: VERCEL_WEBHOOKS_DOCS,
  source: vercelWebhook('deployment.succeeded'),
});
