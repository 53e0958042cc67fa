// Outreach webhooks, one per trigger subscription (https://developers.outreach.io/api/webhooks):
// `POST /webhooks` {data: {type: "webhook", attributes: {url, resource, action, secret}}} with the JSON:API media
// type; Outreach answers the webhook resource with its `id`. `DELETE /webhooks/{id}` on unsubscribe (404: already
// gone). `GET /webhooks/{id}` every hour (`check`): 404 → created again; `active: false` → deleted and created again.
//
// Verification: `Outreach-Webhook-Signature` is the hex HMAC-SHA256 of the raw body keyed with the secret we gave
// at creation (the engine's fresh per-subscription secret). No timestamp is signed, so there is no freshness window.
// `Outreach-Webhook-ID` is logged as the delivery id.
//
// Body: a JSON:API document `{data: {type, id, attributes, relationships}, meta: {eventName: "<resource>.<action>",
// deliveredAt, …}}`; created/updated deliveries carry only the created/changed attributes.
//
// Keys (the body has no event id we could confirm): the object id for one-time events (created, delivered), the
// id plus `updatedAt` for prospect updates, the id plus `repliedAt` for replies. A retry re-sends the same body,
// so it maps to the same key. No `redeliveryDays`: keys name objects that later events may name again.
import { ProviderError, inboundHeader, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { JSON_API, OUTREACH_ERROR_STATUSES, outreachError } from './api.js';

export const OUTREACH_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'outreach-webhook-signature',
  encoding: 'hex',
};

export type OutreachResource = 'prospect' | 'sequenceState' | 'mailing' | 'call';

/** The resource object of a delivery (`data`). */
export interface OutreachResourceObject {
  type?: unknown;
  id?: unknown;
  attributes?: Record<string, unknown> | null;
  relationships?: Record<string, { data?: { type?: unknown; id?: unknown } | null } | null> | null;
}

export interface OutreachDelivery {
  data: OutreachResourceObject;
  meta: Record<string, unknown>;
  /** The whole document, delivered as the payload. */
  body: Record<string, unknown>;
}

export interface OutreachWebhookSpec<P> {
  resource: OutreachResource;
  action: string;
  /** The item key of a delivery of this event; null when the body lacks what the key needs. */
  key: (delivery: OutreachDelivery) => string | null;
  /** When the event happened, from the body (else the engine's receipt time). */
  occurredAt?: (delivery: OutreachDelivery) => number | undefined;
  /** Keep only deliveries this accepts (a trigger parameter's filter). */
  accept?: (delivery: OutreachDelivery, params: P) => boolean;
}

/** Outreach ids are integers; JSON:API writes them as strings, Outreach's examples sometimes as numbers. */
export function outreachId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  return null;
}

export function attributeText(d: OutreachDelivery, name: string): string | null {
  const v = d.data.attributes?.[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

export function timeOf(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The id a relationship points at (`relationships.<name>.data.id`). */
export function relatedId(d: OutreachDelivery, name: string): string | null {
  return outreachId(d.data.relationships?.[name]?.data?.id);
}

/** The delivery as `{data, meta}`, or null when the body is not such a document. */
export function outreachDelivery(req: InboundRequest): OutreachDelivery | null {
  const body = inboundJson(req);
  const data = body?.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const meta = body.meta && typeof body.meta === 'object' && !Array.isArray(body.meta) ? (body.meta as Record<string, unknown>) : {};
  return { data: data, meta, body };
}

function webhookIdOf(state: Record<string, unknown>): string | null {
  return outreachId(state.webhookId);
}

export function outreachWebhook<P = Record<string, never>>(spec: OutreachWebhookSpec<P>): WebhookSource<P> {
  const eventName = `${spec.resource}.${spec.action}`;
  return {
    kind: 'webhook',
    verification: OUTREACH_SIGNATURE,
    async register(ctx) {
      const res = await ctx.http.request<{ data?: { id?: unknown } | null } | null>({
        method: 'POST',
        path: '/webhooks',
        headers: { 'content-type': JSON_API, accept: JSON_API },
        json: { data: { type: 'webhook', attributes: { url: ctx.hookUrl, resource: spec.resource, action: spec.action, secret: ctx.secret } } },
        allowStatus: OUTREACH_ERROR_STATUSES,
      });
      if (res.status >= 400) throw outreachError(res, ctx.now());
      const id = outreachId(res.body?.data?.id);
      if (!id) throw new ProviderError('permanent', 'Outreach created the webhook but answered without its id');
      return { state: { webhookId: id }, secret: ctx.secret };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}`, headers: { accept: JSON_API }, allowStatus: OUTREACH_ERROR_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Outreach webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw outreachError(res, ctx.now());
    },
    async check(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ data?: { attributes?: { active?: unknown } | null } | null } | null>({
        path: `/webhooks/${id}`,
        headers: { accept: JSON_API },
        allowStatus: OUTREACH_ERROR_STATUSES,
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw outreachError(res, ctx.now());
      return res.body?.data?.attributes?.active === false ? 'inactive' : 'active';
    },
    deliveryId: (req) => inboundHeader(req, 'outreach-webhook-id'),
    toItems(req: InboundRequest, ctx: WebhookContext<P>): Item[] {
      const delivery = outreachDelivery(req);
      if (!delivery) {
        ctx.log.warn('Outreach delivery without a JSON:API data object; ignored', { event: eventName });
        return [];
      }
      // One webhook per resource and action; anything else at this URL (a webhook edited in Outreach) is ignored.
      if (delivery.data.type !== spec.resource) return [];
      const sent = delivery.meta.eventName;
      if (sent !== undefined && sent !== eventName) return [];
      if (spec.accept && !spec.accept(delivery, ctx.params)) return [];
      const key = spec.key(delivery);
      if (!key) {
        ctx.log.warn('Outreach delivery without the fields its key needs; ignored', { event: eventName });
        return [];
      }
      const at = spec.occurredAt?.(delivery);
      return [{ key, payload: delivery.body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
