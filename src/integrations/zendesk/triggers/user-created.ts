import { defineTrigger } from '../../../sdk/index.js';
import userCreated from '../fixtures/user-created.json' with { type: 'json' };
import { zendeskWebhook } from '../webhooks.js';

export const userCreatedTrigger = defineTrigger({
  type: 'ZENDESK_TRIGGER_USER_CREATED',
  title: 'User created',
  description:
    'Fires when a user (end user, agent or admin) is created — Zendesk event `zen:event-type:user.created`. Delivers the event; `detail` is the user (`id`, `email`, `role`, `organization_id`, …; ids as strings).',
  parameters: [],
  examplePayload: userCreated,
  docsUrl: 'https://developer.zendesk.com/api-reference/webhooks/event-types/user-events/',
  source: zendeskWebhook('zen:event-type:user.created'),
});
