// Cal.com webhooks, one per trigger subscription, created by API v2 with the secret we choose:
// `POST /v2/webhooks` {subscriberUrl, triggers: [the trigger's event], active: true, secret} for all the user's
// bookings, or `POST /v2/event-types/{eventTypeId}/webhooks` (same body) for one event type. Deleted on
// unsubscribe (`DELETE …/webhooks/{id}`, 404 tolerated); read every hour (`check`, `GET …/webhooks/{id}`): 404 →
// created again, `active: false` → deleted and created again. No payloadTemplate: the standard body is needed.
//
// Verification: `X-Cal-Signature-256` = hex HMAC-SHA256 of the raw body keyed with the webhook's secret
// (https://cal.com/docs/developing/guides/automation/webhooks; Cal.com's sendPayload.ts). No timestamp, no prefix.
//
// Keys: the body carries no event id, and no delivery id header exists. A booking is created, cancelled or ends
// once, so the key is `${triggerEvent}:${uid}` (the booking uid); a reschedule adds the new start time, so each
// move of a booking is its own event. No `redeliveryDays`: Cal.com's retry and resend behaviour is not documented.
import { ProviderError, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { CALCOM_ERROR_STATUSES, calcomError } from './api.js';

export const CALCOM_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-cal-signature-256',
  encoding: 'hex',
};

export const CALCOM_WEBHOOKS_DOCS = 'https://cal.com/docs/developing/guides/automation/webhooks';

export type CalcomTriggerEvent = 'BOOKING_CREATED' | 'BOOKING_CANCELLED' | 'BOOKING_RESCHEDULED' | 'MEETING_ENDED';

export interface CalcomParams {
  eventTypeId?: string | number;
}

interface CalcomWebhookObject {
  id?: unknown;
  active?: unknown;
}

const EVENT_TYPE_ID = /^[1-9]\d{0,11}$/;
const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The event type id parameter as digits, or null for all of the user's bookings. Throws naming the field. */
export function eventTypeIdOf(params: CalcomParams): string | null {
  const value = params.eventTypeId;
  if (value === undefined || value === null || value === '') return null;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!EVENT_TYPE_ID.test(text)) throw new ProviderError('permanent', 'eventTypeId: must be a Cal.com event type id (a positive whole number, e.g. 1234)');
  return text;
}

/** Where the webhooks of these parameters live: `/webhooks` or `/event-types/{id}/webhooks`. */
export function webhooksPath(eventTypeId: string | null): string {
  return eventTypeId ? `/event-types/${eventTypeId}/webhooks` : '/webhooks';
}

function stateOf(state: Record<string, unknown>): { webhookId: string; path: string } | null {
  const id = state.webhookId;
  const et = state.eventTypeId;
  if (typeof id !== 'string' || !WEBHOOK_ID.test(id)) return null;
  const eventTypeId = typeof et === 'string' && EVENT_TYPE_ID.test(et) ? et : null;
  return { webhookId: id, path: `${webhooksPath(eventTypeId)}/${encodeURIComponent(id)}` };
}

/**
 * The item of one delivery: the body as sent (`{triggerEvent, createdAt, payload}`), when it is this trigger's event
 * and names a booking. Others (Cal.com's PING test, another trigger) give nothing.
 */
export function itemsOf(event: CalcomTriggerEvent, body: unknown): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const b = body as { triggerEvent?: unknown; createdAt?: unknown; payload?: unknown };
  if (b.triggerEvent !== event) return [];
  const p = (b.payload && typeof b.payload === 'object' ? b.payload : {}) as { uid?: unknown; bookingId?: unknown; startTime?: unknown };
  const booking = typeof p.uid === 'string' && p.uid !== '' ? p.uid : typeof p.bookingId === 'number' ? `id-${p.bookingId}` : null;
  if (!booking) return [];
  let key = `${event}:${booking}`;
  if (event === 'BOOKING_RESCHEDULED') key += `:${typeof p.startTime === 'string' ? p.startTime : ''}`;
  const at = typeof b.createdAt === 'string' ? Date.parse(b.createdAt) : Number.NaN;
  return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}

export function calcomWebhook(event: CalcomTriggerEvent): WebhookSource<CalcomParams> {
  return {
    kind: 'webhook',
    verification: CALCOM_SIGNATURE,
    async register(ctx) {
      const eventTypeId = eventTypeIdOf(ctx.params);
      const res = await ctx.http.request<{ data?: CalcomWebhookObject | null } | null>({
        method: 'POST',
        path: webhooksPath(eventTypeId),
        json: { subscriberUrl: ctx.hookUrl, triggers: [event], active: true, secret: ctx.secret },
        allowStatus: CALCOM_ERROR_STATUSES,
      });
      if (res.status >= 400) throw calcomError(res, ctx.now());
      const id = res.body?.data?.id;
      const webhookId = typeof id === 'number' || typeof id === 'string' ? String(id) : '';
      if (!WEBHOOK_ID.test(webhookId)) throw new ProviderError('permanent', 'Cal.com created the webhook but answered without its id');
      return { state: { webhookId, ...(eventTypeId ? { eventTypeId } : {}) } };
    },
    async unregister(ctx) {
      const s = stateOf(ctx.state);
      if (!s) return;
      const res = await ctx.http.request({ method: 'DELETE', path: s.path, allowStatus: CALCOM_ERROR_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Cal.com webhook was already deleted', { webhookId: s.webhookId });
        return;
      }
      if (res.status >= 400) throw calcomError(res, ctx.now());
    },
    async check(ctx) {
      const s = stateOf(ctx.state);
      if (!s) return 'gone';
      const res = await ctx.http.request<{ data?: CalcomWebhookObject | null } | null>({ path: s.path, allowStatus: CALCOM_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw calcomError(res, ctx.now());
      const hook = res.body?.data;
      if (!hook || typeof hook !== 'object') throw new ProviderError('transient', 'Cal.com GET webhook answered without the webhook');
      return hook.active === false ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest, _ctx: WebhookContext<CalcomParams>): Item[] {
      return itemsOf(event, inboundJson(req));
    },
  };
}
