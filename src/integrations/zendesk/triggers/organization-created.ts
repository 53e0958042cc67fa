import { defineTrigger } from '../../../sdk/index.js';
import organizationCreated from '../fixtures/organization-created.json' with { type: 'json' };
import { zendeskWebhook } from '../webhooks.js';

export const organizationCreatedTrigger = defineTrigger({
  type: 'ZENDESK_TRIGGER_ORGANIZATION_CREATED',
  title: 'Organization created',
  description:
    'Fires when an organization is created — Zendesk event `zen:event-type:organization.created`. Delivers the event; `detail` is the organization (`id`, `name`, `shared_tickets`, …; ids as strings), `event` is empty.',
  parameters: [],
  examplePayload: organizationCreated,
  docsUrl: 'https://developer.zendesk.com/api-reference/webhooks/event-types/organization-events/',
  source: zendeskWebhook('zen:event-type:organization.created'),
});
