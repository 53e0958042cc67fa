import { defineTrigger } from '../../../sdk/index.js';
import ticketStatusChanged from '../fixtures/ticket-status-changed.json' with { type: 'json' };
import { zendeskWebhook } from '../webhooks.js';

export const ticketStatusChangedTrigger = defineTrigger({
  type: 'ZENDESK_TRIGGER_TICKET_STATUS_CHANGED',
  title: 'Ticket status changed',
  description:
    "Fires when a ticket's status changes — Zendesk event `zen:event-type:ticket.status_changed`. Delivers the event; `event.previous` and `event.current` are the old and new status, `detail` the ticket after the change.",
  parameters: [],
  examplePayload: ticketStatusChanged,
  docsUrl: 'https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/',
  source: zendeskWebhook('zen:event-type:ticket.status_changed'),
});
