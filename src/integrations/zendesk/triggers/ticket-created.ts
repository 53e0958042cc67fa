import { defineTrigger } from '../../../sdk/index.js';
import ticketCreated from '../fixtures/ticket-created.json' with { type: 'json' };
import { zendeskWebhook } from '../webhooks.js';

export const ticketCreatedTrigger = defineTrigger({
  type: 'ZENDESK_TRIGGER_TICKET_CREATED',
  title: 'Ticket created',
  description:
    'Fires when a ticket is created — Zendesk event `zen:event-type:ticket.created`. Delivers the event: `{type, account_id, id, subject, time, detail, event}`; `detail` is the ticket (`id`, `subject`, `status`, `requester_id`, …).',
  parameters: [],
  examplePayload: ticketCreated,
  docsUrl: 'https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/',
  source: zendeskWebhook('zen:event-type:ticket.created'),
});
