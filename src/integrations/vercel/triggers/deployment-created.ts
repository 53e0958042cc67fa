import { defineTrigger } from '../../../sdk/index.js';
import { deploymentCreated } from '../fixtures/events.js';
import { VERCEL_WEBHOOKS_DOCS, vercelWebhook, type VercelParams } from '../webhooks.js';
import { deploymentParameters } from './params.js';

export const deploymentCreatedTrigger = defineTrigger<VercelParams>({
  type: 'VERCEL_TRIGGER_DEPLOYMENT_CREATED',
  title: 'Deployment created',
  description:
    'Fires when a deployment starts in the account or team, or in one project (Vercel event `deployment.created`). Delivers the webhook body `{id, type, createdAt, region, payload}`: `payload.deployment` (`id`, `url`, `name`, `meta`), `payload.project.id`, `payload.target`, `payload.links`, `payload.team`, `payload.user`.',
  parameters: deploymentParameters,
  examplePayload: deploymentCreated,
  docsUrl: VERCEL_WEBHOOKS_DOCS,
  source: vercelWebhook('deployment.created'),
});
