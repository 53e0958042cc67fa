// Lemon Squeezy webhooks, one per trigger subscription, created through the API for one store:
// `POST /v1/webhooks` with the JSON:API document `{data: {type: "webhooks", attributes: {url, events: [the
// trigger's event], secret}, relationships: {store: {data: {type: "stores", id}}}}}`
// (https://docs.lemonsqueezy.com/api/webhooks/create-webhook). Deleted on unsubscribe (`DELETE /v1/webhooks/{id}`,
// 404 tolerated); read every hour (`check`, `GET /v1/webhooks/{id}`): 404 → created again. A webhook has no
// enabled/disabled flag in the API, so there is no 'inactive'.
//
// Verification: `X-Signature` = hex HMAC-SHA256 of the raw body keyed with the webhook's signing secret
// (https://docs.lemonsqueezy.com/help/webhooks/signing-requests). No timestamp, no prefix. The help pages describe
// the secret as 6 to 40 characters, so we send the first 40 hex characters of the subscription's fresh secret
// (160 bits) and verify with exactly that (returned as the registration's secret).
//
// Keys: a delivery carries no event id and no delivery id header; the body is `{meta: {event_name, custom_data?},
// data: <the JSON:API object>}`. "Created" events happen once per object: `${event}:${data.id}`. A subscription can be
// cancelled, resumed and cancelled again, and an order can be refunded in parts, so those keys add the object's
// `updated_at`: `${event}:${data.id}:${updated_at}`. Lemon Squeezy retries a failed delivery up to three more
// times (5 s, 25 s, 125 s) and the dashboard can resend any logged event at any time, so no `redeliveryDays`.
import { ProviderError, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { JSON_API, LEMON_SQUEEZY_ERROR_STATUSES, lemonSqueezyError } from './api.js';

export const LEMON_SQUEEZY_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-signature',
  encoding: 'hex',
};

export const LEMON_SQUEEZY_WEBHOOKS_DOCS = 'https://docs.lemonsqueezy.com/help/webhooks/event-types';

export type LemonSqueezyEvent = 'order_created' | 'order_refunded' | 'subscription_created' | 'subscription_cancelled' | 'license_key_created';

/** The JSON:API type of the object each event sends (https://docs.lemonsqueezy.com/help/webhooks/event-types). */
const OBJECT_TYPE: Record<LemonSqueezyEvent, string> = {
  order_created: 'orders',
  order_refunded: 'orders',
  subscription_created: 'subscriptions',
  subscription_cancelled: 'subscriptions',
  license_key_created: 'license-keys',
};

/** Events that can happen more than once to the same object: keyed by its `updated_at` too. */
const REPEATABLE: ReadonlySet<LemonSqueezyEvent> = new Set(['order_refunded', 'subscription_cancelled']);

export interface LemonSqueezyParams {
  storeId?: string | number;
}

const STORE_ID = /^[1-9]\d{0,11}$/;
const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Lemon Squeezy's documented secret length is 6–40 characters. */
const SECRET_LENGTH = 40;

/** The store id parameter as digits. Throws naming the field. */
export function storeIdOf(params: LemonSqueezyParams): string {
  const value = params.storeId;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().replace(/^#/, '') : '';
  if (!STORE_ID.test(text)) throw new ProviderError('permanent', 'storeId: must be a Lemon Squeezy store id (a positive whole number, e.g. 12345)');
  return text;
}

/** The JSON:API document that creates a webhook for one event of one store. */
export function webhookDocument(storeId: string, url: string, event: LemonSqueezyEvent, secret: string) {
  return {
    data: {
      type: 'webhooks',
      attributes: { url, events: [event], secret },
      relationships: { store: { data: { type: 'stores', id: storeId } } },
    },
  };
}

function webhookIdOf(state: Record<string, unknown>): string | null {
  const id = state.webhookId;
  return typeof id === 'string' && WEBHOOK_ID.test(id) ? id : null;
}

/**
 * The item of one delivery: the body as sent, when `meta.event_name` is this trigger's event and `data` is an object
 * of the expected type with an id. Anything else (another event reaching this URL, a malformed body) gives nothing.
 */
export function itemsOf(event: LemonSqueezyEvent, body: unknown): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const b = body as { meta?: { event_name?: unknown } | null; data?: unknown };
  if (b.meta?.event_name !== event) return [];
  const data = (b.data && typeof b.data === 'object' ? b.data : {}) as { type?: unknown; id?: unknown; attributes?: unknown };
  if (data.type !== OBJECT_TYPE[event]) return [];
  const id = typeof data.id === 'string' || typeof data.id === 'number' ? String(data.id) : '';
  if (id === '' || id.length > 64) return [];
  const attrs = (data.attributes && typeof data.attributes === 'object' ? data.attributes : {}) as { updated_at?: unknown; created_at?: unknown };
  const updatedAt = typeof attrs.updated_at === 'string' ? attrs.updated_at.slice(0, 40) : '';
  let key = `${event}:${id}`;
  if (REPEATABLE.has(event)) {
    if (updatedAt === '') return [];
    key += `:${updatedAt}`;
  }
  const when = REPEATABLE.has(event) ? updatedAt : typeof attrs.created_at === 'string' ? attrs.created_at : '';
  const at = when ? Date.parse(when) : Number.NaN;
  return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}

export function lemonSqueezyWebhook(event: LemonSqueezyEvent): WebhookSource<LemonSqueezyParams> {
  return {
    kind: 'webhook',
    verification: LEMON_SQUEEZY_SIGNATURE,
    async register(ctx) {
      const storeId = storeIdOf(ctx.params);
      const secret = ctx.secret.slice(0, SECRET_LENGTH);
      const res = await ctx.http.request<{ data?: { id?: unknown } | null } | null>({
        method: 'POST',
        path: '/webhooks',
        headers: { 'content-type': JSON_API },
        json: webhookDocument(storeId, ctx.hookUrl, event, secret),
        allowStatus: LEMON_SQUEEZY_ERROR_STATUSES,
      });
      if (res.status >= 400) throw lemonSqueezyError(res, ctx.now());
      const id = res.body?.data?.id;
      const webhookId = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
      if (!WEBHOOK_ID.test(webhookId)) throw new ProviderError('permanent', 'Lemon Squeezy created the webhook but answered without its id');
      return { state: { webhookId, storeId }, secret };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(id)}`, allowStatus: LEMON_SQUEEZY_ERROR_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Lemon Squeezy webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw lemonSqueezyError(res, ctx.now());
    },
    async check(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ data?: { id?: unknown } | null } | null>({ path: `/webhooks/${encodeURIComponent(id)}`, allowStatus: LEMON_SQUEEZY_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw lemonSqueezyError(res, ctx.now());
      if (!res.body?.data || typeof res.body.data !== 'object') throw new ProviderError('transient', 'Lemon Squeezy GET webhook answered without the webhook');
      return 'active';
    },
    toItems(req: InboundRequest, _ctx: WebhookContext<LemonSqueezyParams>): Item[] {
      return itemsOf(event, inboundJson(req));
    },
  };
}
