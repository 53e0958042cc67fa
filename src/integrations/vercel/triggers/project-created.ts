import { defineTrigger } from '../../../sdk/index.js';
import { projectCreated } from '../fixtures/events.js';
import { VERCEL_WEBHOOKS_DOCS, vercelWebhook, type VercelParams } from '../webhooks.js';
import { projectParameters } from './params.js';

export const projectCreatedTrigger = defineTrigger<VercelParams>({
  type: 'VERCEL_TRIGGER_PROJECT_CREATED',
  title: 'Project created',
  description:
    'Fires when a project is created in the account or team (Vercel event `project.created`). Delivers the webhook body `{id, type, createdAt, region, payload}` with `payload.project` (`id`, `name`), `payload.team` and `payload.user`.',
  parameters: projectParameters,
  examplePayload: projectCreated,
  docsUrl: VERCEL_WEBHOOKS_DOCS,
  source: vercelWebhook('project.created'),
});
