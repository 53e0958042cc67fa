import { defineTrigger } from '../../../sdk/index.js';
import { dynoCrashed } from '../fixtures/events.js';
import { HEROKU_EVENTS_DOCS, herokuWebhook, type HerokuParams } from '../webhooks.js';
import { appParameters } from './params.js';

export const dynoCrashedTrigger = defineTrigger<HerokuParams>({
  type: 'HEROKU_TRIGGER_DYNO_CRASHED',
  title: 'Dyno crashed',
  description:
    'Fires when a dyno of the app crashes (Heroku event `dyno` with `data.state` crashed). Delivers the webhook body `{id, action, resource, actor, created_at, data, webhook_metadata}`: `data` is the dyno (`name` such as web.1, `type`, `command`, `exit_status`, `size`, `state`, `release`, `app`). Dynos stopping normally (`down`) do not fire it.',
  parameters: appParameters,
  examplePayload: dynoCrashed,
  docsUrl: HEROKU_EVENTS_DOCS,
  source: herokuWebhook({ include: 'dyno', resource: 'dyno', fires: (b) => b.data?.state === 'crashed' }),
});
