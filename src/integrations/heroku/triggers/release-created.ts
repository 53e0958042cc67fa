import { defineTrigger } from '../../../sdk/index.js';
import { releaseCreated } from '../fixtures/events.js';
import { HEROKU_EVENTS_DOCS, herokuWebhook, type HerokuParams } from '../webhooks.js';
import { appParameters } from './params.js';

export const releaseCreatedTrigger = defineTrigger<HerokuParams>({
  type: 'HEROKU_TRIGGER_RELEASE_CREATED',
  title: 'Release created',
  description:
    'Fires when a new release of the app is created (a deploy, a config var change, an add-on change or a rollback; Heroku event `api:release` create). Delivers the webhook body `{id, action, resource, actor, created_at, data, previous_data, webhook_metadata}`: `data` is the release (`id`, `version`, `description`, `status`, `current`, `app`, `user`, `slug`, `addon_plan_names`). With a release phase the status may still be `pending`.',
  parameters: appParameters,
  examplePayload: releaseCreated,
  docsUrl: HEROKU_EVENTS_DOCS,
  source: herokuWebhook({ include: 'api:release', resource: 'release', fires: (b) => b.action === 'create' }),
});
