import events from '../fixtures/events.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const ticketUpdatedTrigger = webhookTrigger({
  type: 'ZOHO_DESK_TRIGGER_TICKET_UPDATED',
  title: 'Ticket updated',
  description:
    'Fires when a ticket is updated (in the chosen departments) — Zoho Desk webhook event `Ticket_Update`, asked with `includePrevState`. Delivers `{eventType: "Ticket_Update", eventTime, orgId, payload, prevState}`: `payload` is the ticket after the change, `prevState` the changed fields before it. Once per ticket version (`modifiedTime`).',
  eventType: 'Ticket_Update',
  kind: 'updated',
  examplePayload: events.Ticket_Update,
});
