import { defineTrigger } from '../../../sdk/index.js';
import message from '../fixtures/message.json' with { type: 'json' };
import { fetchObject, idText, parseTime, type GorgiasObject } from '../api.js';
import { channelMatches, gorgiasWebhook, readTicket, type GorgiasParams } from '../webhooks.js';
import { channelParameter } from './params.js';

/** The newest message of a ticket read whole (when the request named no message). */
function newestMessage(ticket: GorgiasObject): GorgiasObject | null {
  const list = Array.isArray(ticket.messages) ? (ticket.messages as unknown[]) : [];
  let best: GorgiasObject | null = null;
  for (const m of list) {
    if (!m || typeof m !== 'object' || !idText((m as GorgiasObject).id)) continue;
    const mm = m as GorgiasObject;
    if (!best || (parseTime(mm.created_datetime) ?? 0) >= (parseTime(best.created_datetime) ?? 0)) best = mm;
  }
  return best;
}

export const ticketMessageCreatedTrigger = defineTrigger<GorgiasParams>({
  type: 'GORGIAS_TRIGGER_TICKET_MESSAGE_CREATED',
  title: 'Ticket message created',
  description:
    'Fires once for each new message on a ticket — from the customer, an agent or an integration — optionally of one channel, with the message as the API returns it.',
  parameters: [channelParameter],
  examplePayload: message,
  docsUrl: 'https://developers.gorgias.com/reference/integrations',
  source: gorgiasWebhook({
    event: 'ticket-message-created',
    async toItem({ ticketId, messageId }, ctx) {
      let m: GorgiasObject | null;
      if (messageId) {
        m = await fetchObject(ctx.http, `/tickets/${ticketId}/messages/${messageId}`, 'message', ctx.now());
      } else {
        const t = await readTicket(ticketId, ctx);
        m = t ? newestMessage(t) : null;
      }
      const id = idText(m?.id);
      if (!m || !id || !channelMatches(m, ctx.params)) return null;
      const at = parseTime(m.created_datetime);
      return { key: id, payload: m, ...(at !== undefined ? { occurredAt: at } : {}) };
    },
  }),
});
