import { defineTrigger } from '../../../sdk/index.js';
import ticket from '../fixtures/ticket.json' with { type: 'json' };
import { parseTime } from '../api.js';
import { sweep } from '../sweep.js';
import { TICKETS } from './tickets.js';
import { groupIdParameter, inGroup, type GroupParams } from './params.js';

export const ticketUpdatedTrigger = defineTrigger<GroupParams>({
  type: 'FRESHSERVICE_TRIGGER_TICKET_UPDATED',
  title: 'Ticket updated',
  description:
    'Fires for each new version of a ticket (its `updated_at` changed), optionally only of one agent group. The creation ' +
    'itself is not an update. Changes within the same second are one event (Freshservice times have second precision).',
  parameters: [groupIdParameter],
  examplePayload: ticket,
  docsUrl: 'https://api.freshservice.com/#filter_tickets',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      sweep(ctx, TICKETS, (t) => {
        const updated = parseTime(t.updated_at);
        // A never-edited ticket has updated_at == created_at: that version is the creation, not an update.
        if (!Number.isFinite(updated) || updated === parseTime(t.created_at) || !inGroup(ctx.params, t.group_id)) return null;
        return { key: `${t.id}:${updated}`, payload: t, occurredAt: updated };
      }),
  },
});
