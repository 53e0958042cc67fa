import events from '../fixtures/events.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const ticketStatusChangedTrigger = webhookTrigger({
  type: 'ZOHO_DESK_TRIGGER_TICKET_STATUS_CHANGED',
  title: 'Ticket status changed',
  description:
    'Fires when the status of a ticket changes (Open → On Hold, → Closed, reopened, …) in the chosen departments — a Zoho Desk `Ticket_Update` whose `prevState.status` differs from the ticket\'s `status`; other updates are ignored. Delivers `{eventType: "Ticket_Update", eventTime, orgId, payload, prevState}`. Once per change.',
  eventType: 'Ticket_Update',
  kind: 'statusChanged',
  examplePayload: events.Ticket_Update,
});
