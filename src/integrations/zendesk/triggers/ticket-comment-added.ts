import { defineTrigger } from '../../../sdk/index.js';
import ticketCommentAdded from '../fixtures/ticket-comment-added.json' with { type: 'json' };
import { zendeskWebhook } from '../webhooks.js';

export const ticketCommentAddedTrigger = defineTrigger({
  type: 'ZENDESK_TRIGGER_TICKET_COMMENT_ADDED',
  title: 'Ticket comment added',
  description:
    'Fires when a comment (public reply or internal note) is added to a ticket — Zendesk event `zen:event-type:ticket.comment_added`. Delivers the event; `event.comment` is the comment (`id`, `body`, `is_public`, `author`), `detail` the ticket.',
  parameters: [],
  examplePayload: ticketCommentAdded,
  docsUrl: 'https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/',
  source: zendeskWebhook('zen:event-type:ticket.comment_added'),
});
