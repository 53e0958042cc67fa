import { defineTrigger } from '../../../sdk/index.js';
import ticket from '../fixtures/ticket.json' with { type: 'json' };
import { parseTime } from '../api.js';
import { pollTickets, type TicketParams } from '../tickets.js';
import { companyIdParameter, groupIdParameter } from './params.js';

export const ticketCreatedTrigger = defineTrigger<TicketParams>({
  type: 'FRESHDESK_TRIGGER_TICKET_CREATED',
  title: 'Ticket created',
  description:
    'Fires once for each new ticket (optionally only of one group or company). Polls the ticket list by update time; ' +
    'a ticket counts as new when it was created after the subscription started.',
  parameters: [groupIdParameter, companyIdParameter],
  examplePayload: ticket,
  docsUrl: 'https://developers.freshdesk.com/api/#list_all_tickets',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollTickets(ctx, (t, cursor) => {
        const created = parseTime(t.created_at);
        // An older ticket updated now is listed too: only creations since the baseline's start are new.
        if (!Number.isFinite(created) || created < cursor.createdSince) return null;
        return { key: String(t.id), payload: t, occurredAt: created };
      }),
  },
});
