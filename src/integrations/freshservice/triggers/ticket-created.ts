import { defineTrigger } from '../../../sdk/index.js';
import ticket from '../fixtures/ticket.json' with { type: 'json' };
import { parseTime } from '../api.js';
import { sweep } from '../sweep.js';
import { TICKETS } from './tickets.js';
import { groupIdParameter, inGroup, type GroupParams } from './params.js';

export const ticketCreatedTrigger = defineTrigger<GroupParams>({
  type: 'FRESHSERVICE_TRIGGER_TICKET_CREATED',
  title: 'Ticket created',
  description:
    'Fires once for each new ticket (incident or service request), optionally only of one agent group. Polls the ticket ' +
    'list by update time; a ticket counts as new when it was created after the subscription started.',
  parameters: [groupIdParameter],
  examplePayload: ticket,
  docsUrl: 'https://api.freshservice.com/#filter_tickets',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      sweep(ctx, TICKETS, (t, cursor) => {
        const created = parseTime(t.created_at);
        // An older ticket updated now is listed too: only creations since the baseline's start are new.
        if (!Number.isFinite(created) || created < cursor.createdSince || !inGroup(ctx.params, t.group_id)) return null;
        return { key: String(t.id), payload: t, occurredAt: created };
      }),
  },
});
