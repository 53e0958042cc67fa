// One BigCommerce webhook per trigger subscription, through the V3 Webhooks API: `POST /v3/hooks` with `{scope,
// destination, is_active: true, headers}` at subscribe time, `DELETE /v3/hooks/{id}` at unsubscribe, and
// `GET /v3/hooks/{id}` every hour (`check`, ADR 0018): BigCommerce deactivates a hook whose destination keeps failing,
// and one inactive for 90 days (`is_active: false`), which then makes the engine delete it and create it again.
// https://developer.bigcommerce.com/docs/rest-management/webhooks, https://developer.bigcommerce.com/docs/integrations/webhooks
//
// Verification: BigCommerce signs nothing (its `hash` is a plain SHA-1 of the payload, keyed with nothing), but a hook
// carries custom `headers` that BigCommerce sends with every callback. The subscription's fresh random secret goes
// there, and the sharedSecret scheme compares it in constant time. It proves the sender knows the secret BigCommerce
// holds for this hook (or read it off the wire), not what the body says; the body only names an id, and the object is
// then read from the store's API with the credential, so a forged id can at most re-read a real object.
//
// Payloads are thin (`data: {type, id}`), so toItems reads the object from the API: the order (V2
// `GET /v2/orders/{id}`), the product (`GET /v3/catalog/products/{id}`) or the customer (`GET /v3/customers?id:in=`).
import { ProviderError, inboundJson, type InboundRequest, type Item, type SharedSecretScheme, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { bigcommerceCall, storeHashOf } from './api.js';

/** The custom header BigCommerce sends back with every callback of the hook, holding the subscription's secret. */
export const SECRET_HEADER = 'x-opentriggers-secret';

export const BIGCOMMERCE_VERIFICATION: SharedSecretScheme = { kind: 'sharedSecret', header: SECRET_HEADER };

/** The webhook scopes the triggers follow. */
export type BigCommerceScope = 'store/order/created' | 'store/order/statusUpdated' | 'store/product/created' | 'store/customer/created';

type ObjectKind = 'order' | 'product' | 'customer';

const KIND: Record<BigCommerceScope, ObjectKind> = {
  'store/order/created': 'order',
  'store/order/statusUpdated': 'order',
  'store/product/created': 'product',
  'store/customer/created': 'customer',
};

/** An id as BigCommerce sends it (an integer), as text; null for anything else. */
function idOf(v: unknown): string | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return String(v);
  if (typeof v === 'string' && /^[1-9][0-9]{0,18}$/.test(v)) return v;
  return null;
}

/**
 * The item key of one callback, the same on every retry (a retry repeats the payload, its `hash` and `created_at`
 * included):
 * - created scopes: the object id — one order, product or customer is created once;
 * - store/order/statusUpdated: the order id and the callback's `hash` (BigCommerce: "ensures users can detect
 *   duplicate events"), else its `created_at` and new status — each status change once.
 * Null when the payload lacks what identifies the event (ignored rather than keyed loosely).
 */
export function eventKey(scope: BigCommerceScope, payload: Record<string, unknown>): string | null {
  const data = (payload.data && typeof payload.data === 'object' ? payload.data : {}) as Record<string, unknown>;
  const id = idOf(data.id);
  if (!id) return null;
  if (scope !== 'store/order/statusUpdated') return id;
  if (typeof payload.hash === 'string' && /^[0-9a-f]{40}$/i.test(payload.hash)) return `${id}:${payload.hash.toLowerCase()}`;
  const at = payload.created_at;
  const status = (data.status as { new_status_id?: unknown } | undefined)?.new_status_id;
  return typeof at === 'number' && (typeof status === 'number' || typeof status === 'string') ? `${id}:${at}:${status}` : null;
}

/** The object a callback names, read from the store's API; null when it no longer exists. */
async function readObject(ctx: WebhookContext, kind: ObjectKind, id: string): Promise<unknown> {
  if (kind === 'order') return bigcommerceCall(ctx, `reading order ${id}`, { path: `/v2/orders/${id}` }, { missingOk: true });
  if (kind === 'product') {
    const r = await bigcommerceCall<{ data?: unknown }>(ctx, `reading product ${id}`, { path: `/v3/catalog/products/${id}` }, { missingOk: true });
    return r?.data ?? null;
  }
  const r = await bigcommerceCall<{ data?: unknown[] }>(ctx, `reading customer ${id}`, { path: '/v3/customers', query: { 'id:in': id } }, { missingOk: true });
  return Array.isArray(r?.data) && r.data.length > 0 ? r.data[0] : null;
}

interface Hook {
  id?: unknown;
  is_active?: unknown;
}

function hookId(state: Record<string, unknown>): string | null {
  return idOf(state.hookId);
}

export function bigcommerceWebhook(scope: BigCommerceScope): WebhookSource {
  const kind = KIND[scope];
  return {
    kind: 'webhook',
    verification: BIGCOMMERCE_VERIFICATION,
    // No redeliveryDays: items carry an object read from the API, and how long BigCommerce may send a callback again
    // is not documented in days; a marker kept costs a few hundred bytes, a marker missing a duplicate (ADR 0016).
    async register(ctx) {
      storeHashOf(ctx.credential.extra);
      const body = { scope, destination: ctx.hookUrl, is_active: true, headers: { [SECRET_HEADER]: ctx.secret } };
      const res = await bigcommerceCall<{ data?: Hook }>(ctx, 'creating the webhook', { method: 'POST', path: '/v3/hooks', json: body });
      const id = idOf(res?.data?.id);
      if (!id) throw new ProviderError('permanent', 'BigCommerce created the webhook but answered without its id');
      return { state: { hookId: id, scope } };
    },
    async unregister(ctx) {
      const id = hookId(ctx.state);
      if (!id) return;
      // 404: already gone at BigCommerce (deleted in the control panel, or with the app's uninstall).
      await bigcommerceCall(ctx, 'deleting the webhook', { method: 'DELETE', path: `/v3/hooks/${id}` }, { missingOk: true });
    },
    async check(ctx) {
      const id = hookId(ctx.state);
      if (!id) return 'gone';
      const res = await bigcommerceCall<{ data?: Hook }>(ctx, 'reading the webhook', { path: `/v3/hooks/${id}` }, { missingOk: true });
      if (!res?.data) return 'gone';
      return res.data.is_active === false ? 'inactive' : 'active';
    },
    deliveryId(req) {
      const hash = inboundJson(req)?.hash;
      return typeof hash === 'string' ? hash : undefined;
    },
    async toItems(req: InboundRequest, ctx): Promise<Item[]> {
      const payload = inboundJson(req);
      if (!payload) return [];
      // The hook is for one scope of one store; anything else reaching its URL is not its event.
      if (payload.scope !== scope) return [];
      const producer = payload.producer;
      if (producer !== undefined && producer !== `stores/${storeHashOf(ctx.credential.extra)}`) return [];
      const key = eventKey(scope, payload);
      if (!key) return [];
      // The status filter of ORDER_STATUS_UPDATED, decided from the callback before the order is read.
      const wanted = ctx.params.newStatusId;
      if (typeof wanted === 'string' && wanted !== '') {
        const status = ((payload.data as Record<string, unknown>).status as { new_status_id?: unknown } | undefined)?.new_status_id;
        if ((typeof status === 'number' || typeof status === 'string' ? String(status) : undefined) !== wanted) return [];
      }
      const id = key.split(':')[0]!;
      const object = await readObject(ctx, kind, id);
      const at = typeof payload.created_at === 'number' ? payload.created_at * 1000 : undefined;
      return [{ key, payload: { ...payload, [kind]: object }, ...(at !== undefined && Number.isFinite(at) ? { occurredAt: at } : {}) }];
    },
  };
}
