// Gorgias HTTP integrations as webhooks (https://developers.gorgias.com/reference/integrations): one per trigger
// subscription, `POST /integrations` {name, type: "http", http: {url, method: POST, request_content_type,
// response_content_type, headers, form, triggers: {<event>: true}}}; `DELETE /integrations/{id}` on unsubscribe
// (404: already gone). The hourly check reads `GET /integrations/{id}`: 404 is gone, a `deactivated_datetime` (Gorgias
// turns an integration off after repeated failures) is inactive, and the engine registers a new one.
//
// Verification: Gorgias signs nothing, but an HTTP integration sends the headers it was given on every request, so
// we register our secret as `X-OpenTriggers-Secret` and compare it in constant time (sharedSecret scheme).
//
// Body: the integration's `form` is a template Gorgias renders per event; ours carries only ids
// ({event, ticket_id: "{{ticket.id}}", message_id: "{{message.id}}"}), and each ticket or message is read back
// through the API, so a delivery holds the full object and a template quirk cannot corrupt a payload.
//
// Keys: ticket created → ticket id; ticket updated → id + the read ticket's `updated_datetime`; message created →
// message id. Items are read from the API, so no redeliveryDays.
import { ProviderError, inboundJson, type InboundRequest, type Item, type SharedSecretScheme, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { GORGIAS_HANDLED_STATUSES, fetchObject, gorgiasError, idText, type GorgiasObject } from './api.js';

export const GORGIAS_SECRET_HEADER = 'x-opentriggers-secret';

export const GORGIAS_SECRET_SCHEME: SharedSecretScheme = { kind: 'sharedSecret', header: GORGIAS_SECRET_HEADER };

export type GorgiasEvent = 'ticket-created' | 'ticket-updated' | 'ticket-message-created';

export interface GorgiasParams {
  channel?: string;
}

export interface GorgiasNotification {
  event?: unknown;
  ticket_id?: unknown;
  message_id?: unknown;
}

export interface GorgiasWebhookSpec {
  event: GorgiasEvent;
  /** The item for one notification, reading what it needs; null to skip it. */
  toItem(notification: { ticketId: string; messageId: string | null }, ctx: WebhookContext<GorgiasParams>): Promise<Item | null>;
}

export const CHANNEL = /^[a-z][a-z0-9-]{0,49}$/;

export function checkParams(params: GorgiasParams): void {
  const c = params.channel;
  if (c !== undefined && c !== '' && (typeof c !== 'string' || !CHANNEL.test(c))) {
    throw new ProviderError('permanent', 'channel: must be a Gorgias channel slug such as email, chat, sms or phone');
  }
}

/** True when the object's channel matches the trigger's `channel` parameter (or none is asked for). */
export function channelMatches(obj: GorgiasObject, params: GorgiasParams): boolean {
  return !params.channel || obj.channel === params.channel;
}

function integrationIdOf(state: Record<string, unknown>): string | null {
  return idText(state.integrationId);
}

export function gorgiasWebhook(spec: GorgiasWebhookSpec): WebhookSource<GorgiasParams> {
  return {
    kind: 'webhook',
    verification: GORGIAS_SECRET_SCHEME,
    async register(ctx) {
      checkParams(ctx.params);
      const res = await ctx.http.request<{ id?: unknown } | null>({
        method: 'POST',
        path: '/integrations',
        json: {
          name: `OpenTriggers ${spec.event}`,
          type: 'http',
          http: {
            url: ctx.hookUrl,
            method: 'POST',
            request_content_type: 'application/json',
            response_content_type: 'application/json',
            headers: { [GORGIAS_SECRET_HEADER]: ctx.secret },
            form: {
              event: spec.event,
              ticket_id: '{{ticket.id}}',
              ...(spec.event === 'ticket-message-created' ? { message_id: '{{message.id}}' } : {}),
            },
            triggers: { [spec.event]: true },
          },
        },
        allowStatus: GORGIAS_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw gorgiasError(res, ctx.now());
      const id = idText(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Gorgias created the HTTP integration but answered without its id');
      return { state: { integrationId: id } };
    },
    async unregister(ctx) {
      const id = integrationIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/integrations/${id}`, allowStatus: GORGIAS_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Gorgias HTTP integration was already deleted', { integrationId: id });
        return;
      }
      if (res.status >= 400) throw gorgiasError(res, ctx.now());
    },
    async check(ctx) {
      const id = integrationIdOf(ctx.state);
      if (!id) return 'gone';
      const found = await fetchObject(ctx.http, `/integrations/${id}`, 'HTTP integration', ctx.now());
      if (!found) return 'gone';
      return found.deactivated_datetime ? 'inactive' : 'active';
    },
    deliveryId(req: InboundRequest) {
      const body = inboundJson(req) as GorgiasNotification | null;
      const ticket = idText(body?.ticket_id);
      if (!ticket) return undefined;
      const message = idText(body?.message_id);
      return `${spec.event}:${ticket}${message ? `:${message}` : ''}`;
    },
    async toItems(req, ctx: WebhookContext<GorgiasParams>): Promise<Item[]> {
      const body = inboundJson(req) as GorgiasNotification | null;
      if (!body || body.event !== spec.event) return [];
      const ticketId = idText(body.ticket_id);
      if (!ticketId) {
        ctx.log.warn('Gorgias request without a ticket id; ignored', { event: spec.event });
        return [];
      }
      const item = await spec.toItem({ ticketId, messageId: idText(body.message_id) }, ctx);
      return item ? [item] : [];
    },
  };
}

/** The ticket of a notification, or null when it was deleted in between. */
export async function readTicket(ticketId: string, ctx: WebhookContext<GorgiasParams>): Promise<GorgiasObject | null> {
  const ticket = await fetchObject(ctx.http, `/tickets/${ticketId}`, 'ticket', ctx.now());
  if (!ticket) ctx.log.info('Gorgias ticket no longer exists; skipped', { ticketId });
  return ticket;
}
