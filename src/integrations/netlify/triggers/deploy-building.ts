import { defineTrigger } from '../../../sdk/index.js';
import { deployBuilding } from '../fixtures/events.js';
import { NETLIFY_HOOKS_DOCS, netlifyWebhook, type NetlifyParams } from '../webhooks.js';
import { deployParameters } from './params.js';

export const deployBuildingTrigger = defineTrigger<NetlifyParams>({
  type: 'NETLIFY_TRIGGER_DEPLOY_BUILDING',
  title: 'Deploy building',
  description:
    'Fires when a deploy of the site starts building (Netlify event `deploy_building`). Delivers the deploy object Netlify posts: `id`, `site_id`, `build_id`, `state`, `name`, `url`, `deploy_ssl_url`, `admin_url`, `branch`, `context`, `commit_ref`, `commit_url`, `title`, `error_message`, `created_at`, `updated_at`, `published_at`, `deploy_time`.',
  parameters: deployParameters,
  examplePayload: deployBuilding,
  docsUrl: NETLIFY_HOOKS_DOCS,
  source: netlifyWebhook('deploy_building'),
});
