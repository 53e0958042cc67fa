import events from '../fixtures/events.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const ticketCommentAddedTrigger = webhookTrigger({
  type: 'ZOHO_DESK_TRIGGER_TICKET_COMMENT_ADDED',
  title: 'Ticket comment added',
  description:
    'Fires when a comment (an agent note, public or private) is added to a ticket in the chosen departments — Zoho Desk webhook event `Ticket_Comment_Add`. Delivers `{eventType: "Ticket_Comment_Add", eventTime, orgId, payload}` where `payload` is the comment (`id`, `ticketId`, `content`, `contentType`, `isPublic`, `commenterId`, `commentedTime`, `commenter`). Once per comment.',
  eventType: 'Ticket_Comment_Add',
  kind: 'created',
  examplePayload: events.Ticket_Comment_Add,
});
