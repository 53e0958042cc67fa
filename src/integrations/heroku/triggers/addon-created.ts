import { defineTrigger } from '../../../sdk/index.js';
import { addonCreated } from '../fixtures/events.js';
import { HEROKU_EVENTS_DOCS, herokuWebhook, type HerokuParams } from '../webhooks.js';
import { appParameters } from './params.js';

export const addonCreatedTrigger = defineTrigger<HerokuParams>({
  type: 'HEROKU_TRIGGER_ADDON_CREATED',
  title: 'Add-on created',
  description:
    'Fires when an add-on is provisioned for the app (Heroku event `api:addon` create). Delivers the webhook body `{id, action, resource, actor, created_at, data, webhook_metadata}`: `data` is the add-on (`id`, `name`, `addon_service`, `plan`, `state`, `config_vars`, `app`, `web_url`).',
  parameters: appParameters,
  examplePayload: addonCreated,
  docsUrl: HEROKU_EVENTS_DOCS,
  source: herokuWebhook({ include: 'api:addon', resource: 'addon', fires: (b) => b.action === 'create' }),
});
