import { defineTrigger } from '../../../sdk/index.js';
import { deployCreated } from '../fixtures/events.js';
import { NETLIFY_HOOKS_DOCS, netlifyWebhook, type NetlifyParams } from '../webhooks.js';
import { deployParameters } from './params.js';

export const deployCreatedTrigger = defineTrigger<NetlifyParams>({
  type: 'NETLIFY_TRIGGER_DEPLOY_CREATED',
  title: 'Deploy created',
  description:
    'Fires when a deploy of the site is created (Netlify event `deploy_created`), before it builds. Delivers the deploy object Netlify posts: `id`, `site_id`, `build_id`, `state`, `name`, `url`, `deploy_ssl_url`, `admin_url`, `branch`, `context`, `commit_ref`, `commit_url`, `title`, `error_message`, `created_at`, `updated_at`, `published_at`, `deploy_time`.',
  parameters: deployParameters,
  examplePayload: deployCreated,
  docsUrl: NETLIFY_HOOKS_DOCS,
  source: netlifyWebhook('deploy_created'),
});
