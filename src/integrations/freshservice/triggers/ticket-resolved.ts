// Resolved (status 4) and Closed (status 5) are Freshservice's final ticket statuses
// (https://api.freshservice.com/#ticket_attributes). The list is read with `include=stats`, which adds the ticket's
// `stats.resolved_at` / `stats.closed_at` (each include costs extra API credits): the event is keyed by the ticket,
// the status and that time, so later edits of a resolved ticket are not new events, while a ticket reopened and
// resolved again is.
import { defineTrigger } from '../../../sdk/index.js';
import ticket from '../fixtures/ticket.json' with { type: 'json' };
import { parseTime } from '../api.js';
import { sweep } from '../sweep.js';
import { TICKETS } from './tickets.js';
import { groupIdParameter, inGroup, type GroupParams } from './params.js';

export const RESOLVED = 4;
export const CLOSED = 5;

export const ticketResolvedTrigger = defineTrigger<GroupParams>({
  type: 'FRESHSERVICE_TRIGGER_TICKET_RESOLVED',
  title: 'Ticket resolved or closed',
  description:
    'Fires when a ticket reaches the Resolved or the Closed status (once for each; again if it is reopened and resolved ' +
    'again), optionally only of one agent group. Polls the ticket list by update time with the ticket stats.',
  parameters: [groupIdParameter],
  examplePayload: { ...ticket, status: RESOLVED, stats: { resolved_at: ticket.updated_at, closed_at: null, first_responded_at: null } },
  docsUrl: 'https://api.freshservice.com/#filter_tickets',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      sweep(ctx, { ...TICKETS, query: { ...TICKETS.query, include: 'stats' } }, (t) => {
        if ((t.status !== RESOLVED && t.status !== CLOSED) || !inGroup(ctx.params, t.group_id)) return null;
        const stats = (t.stats && typeof t.stats === 'object' ? t.stats : {}) as { resolved_at?: unknown; closed_at?: unknown };
        const at = parseTime(t.status === RESOLVED ? stats.resolved_at : stats.closed_at);
        const when = Number.isFinite(at) ? at : parseTime(t.updated_at);
        if (!Number.isFinite(when)) return null;
        return { key: `${t.id}:${t.status}:${when}`, payload: t, occurredAt: when };
      }),
  },
});
