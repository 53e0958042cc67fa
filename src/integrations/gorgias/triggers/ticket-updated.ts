import { defineTrigger } from '../../../sdk/index.js';
import ticket from '../fixtures/ticket.json' with { type: 'json' };
import { parseTime } from '../api.js';
import { channelMatches, gorgiasWebhook, readTicket, type GorgiasParams } from '../webhooks.js';
import { channelParameter } from './params.js';

export const ticketUpdatedTrigger = defineTrigger<GorgiasParams>({
  type: 'GORGIAS_TRIGGER_TICKET_UPDATED',
  title: 'Ticket updated',
  description:
    'Fires for each new version of a ticket (its updated_datetime changed: status, assignee, tags, subject, …), optionally of one channel. ' +
    'The ticket is read when Gorgias calls, so updates close together may arrive as one event with the newest state.',
  parameters: [channelParameter],
  examplePayload: ticket,
  docsUrl: 'https://developers.gorgias.com/reference/integrations',
  source: gorgiasWebhook({
    event: 'ticket-updated',
    async toItem({ ticketId }, ctx) {
      const t = await readTicket(ticketId, ctx);
      if (!t || !channelMatches(t, ctx.params)) return null;
      const version = typeof t.updated_datetime === 'string' && t.updated_datetime !== '' ? t.updated_datetime.slice(0, 40) : null;
      if (!version) return null;
      const at = parseTime(t.updated_datetime);
      return { key: `${ticketId}:${version}`, payload: t, ...(at !== undefined ? { occurredAt: at } : {}) };
    },
  }),
});
