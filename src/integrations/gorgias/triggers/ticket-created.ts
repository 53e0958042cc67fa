import { defineTrigger } from '../../../sdk/index.js';
import ticket from '../fixtures/ticket.json' with { type: 'json' };
import { parseTime } from '../api.js';
import { channelMatches, gorgiasWebhook, readTicket, type GorgiasParams } from '../webhooks.js';
import { channelParameter } from './params.js';

export const ticketCreatedTrigger = defineTrigger<GorgiasParams>({
  type: 'GORGIAS_TRIGGER_TICKET_CREATED',
  title: 'Ticket created',
  description: 'Fires once for each new ticket in the helpdesk (optionally of one channel), with the ticket as the API returns it.',
  parameters: [channelParameter],
  examplePayload: ticket,
  docsUrl: 'https://developers.gorgias.com/reference/integrations',
  source: gorgiasWebhook({
    event: 'ticket-created',
    async toItem({ ticketId }, ctx) {
      const t = await readTicket(ticketId, ctx);
      if (!t || !channelMatches(t, ctx.params)) return null;
      const at = parseTime(t.created_datetime);
      return { key: ticketId, payload: t, ...(at !== undefined ? { occurredAt: at } : {}) };
    },
  }),
});
