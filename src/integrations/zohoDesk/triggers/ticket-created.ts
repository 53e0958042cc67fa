import events from '../fixtures/events.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const ticketCreatedTrigger = webhookTrigger({
  type: 'ZOHO_DESK_TRIGGER_TICKET_CREATED',
  title: 'Ticket created',
  description:
    'Fires when a ticket is created (in the chosen departments) — Zoho Desk webhook event `Ticket_Add`. Delivers the event as Zoho Desk sends it: `{eventType: "Ticket_Add", eventTime, orgId, payload}` where `payload` is the ticket (`id`, `ticketNumber`, `subject`, `status`, `priority`, `channel`, `contactId`, `departmentId`, `assigneeId`, `createdTime`, `modifiedTime`, `cf`, …). Once per ticket.',
  eventType: 'Ticket_Add',
  kind: 'created',
  examplePayload: events.Ticket_Add,
});
