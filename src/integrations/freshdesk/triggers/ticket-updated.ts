import { defineTrigger } from '../../../sdk/index.js';
import ticket from '../fixtures/ticket.json' with { type: 'json' };
import { parseTime } from '../api.js';
import { pollTickets, type TicketParams } from '../tickets.js';
import { companyIdParameter, groupIdParameter } from './params.js';

export const ticketUpdatedTrigger = defineTrigger<TicketParams>({
  type: 'FRESHDESK_TRIGGER_TICKET_UPDATED',
  title: 'Ticket updated',
  description:
    'Fires for each new version of a ticket (its `updated_at` changed), optionally only of one group or company. ' +
    'The creation itself is not an update. Changes within the same second are one event (Freshdesk times have second precision).',
  parameters: [groupIdParameter, companyIdParameter],
  examplePayload: ticket,
  docsUrl: 'https://developers.freshdesk.com/api/#list_all_tickets',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollTickets(ctx, (t) => {
        const updated = parseTime(t.updated_at);
        if (!Number.isFinite(updated)) return null;
        // A never-edited ticket has updated_at == created_at: that version is the creation, not an update.
        if (updated === parseTime(t.created_at)) return null;
        return { key: `${t.id}:${updated}`, payload: t, occurredAt: updated };
      }),
  },
});
