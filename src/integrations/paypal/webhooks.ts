// PayPal webhooks, one per trigger subscription, created with the REST app's own token:
// `POST /v1/notifications/webhooks` {url, event_types: [{name: <the trigger's event>}]} → 201 {id, url, event_types}.
// Deleted on unsubscribe (`DELETE /v1/notifications/webhooks/{id}` → 204, 404 tolerated) and read every hour
// (`check`, `GET /v1/notifications/webhooks/{id}`: 404 → created again). PayPal allows at most 10 webhooks per REST app
// (`WEBHOOK_NUMBER_LIMIT_EXCEEDED`), so one app carries at most 10 subscriptions (docs/integrations/paypal.md).
//
// Verification, in two steps:
// 1. The engine: the registered URL carries the subscription's fresh random secret as `?token=` (URL_TOKEN, checked in
//    constant time). A request without it is refused 401 before anything else happens, and costs no PayPal call.
// 2. `toItems`: PayPal signs each delivery with a certificate (SHA256withRSA over
//    `transmission_id|transmission_time|webhook_id|crc32(body)`, the certificate at PAYPAL-CERT-URL). We do not fetch
//    the certificate a request names (a URL chosen by the sender: SSRF, and a forger's own certificate would verify);
//    we ask PayPal instead: `POST /v1/notifications/verify-webhook-signature` with the five PAYPAL-* headers, the event
//    and the webhook id from OUR state (never from the request). Only `verification_status: SUCCESS` yields items;
//    FAILURE is refused (ProviderError permanent → 422, nothing stored), a PayPal outage answers 503 so PayPal retries.
//    A cert URL off PayPal's hosts is refused without the call. One PayPal call per delivery of this trigger's event.
//
// Keys: the webhook event id (`WH-…`), the same on PayPal's retries and resends. No `redeliveryDays`: PayPal retries
// for 3 days, but how long a manual resend stays possible is not documented.
import { hookUrlWithToken, inboundHeader, inboundJson, ProviderError, URL_TOKEN, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { PAYPAL_ERROR_STATUSES, paypalError } from './api.js';

export const PAYPAL_WEBHOOKS_DOCS = 'https://developer.paypal.com/api/rest/webhooks/';

export type PaypalEventType =
  | 'PAYMENT.CAPTURE.COMPLETED'
  | 'PAYMENT.CAPTURE.REFUNDED'
  | 'CHECKOUT.ORDER.APPROVED'
  | 'BILLING.SUBSCRIPTION.CREATED'
  | 'BILLING.SUBSCRIPTION.CANCELLED'
  | 'CUSTOMER.DISPUTE.CREATED';

/** PayPal's webhook ids (`^[a-zA-Z0-9]+$`, at most 50 characters, per the verify-webhook-signature schema). */
const WEBHOOK_ID = /^[A-Za-z0-9]{1,50}$/;

/** The headers PayPal signs a delivery with, as the verify API names them. */
const SIGNATURE_HEADERS = {
  transmission_id: 'paypal-transmission-id',
  transmission_time: 'paypal-transmission-time',
  transmission_sig: 'paypal-transmission-sig',
  cert_url: 'paypal-cert-url',
  auth_algo: 'paypal-auth-algo',
} as const;

type SignatureFields = Record<keyof typeof SIGNATURE_HEADERS, string>;

function webhookIdOf(state: Record<string, unknown>): string | null {
  const id = state.webhookId;
  return typeof id === 'string' && WEBHOOK_ID.test(id) ? id : null;
}

/** PayPal's certificate hosts: `paypal.com` and its subdomains over HTTPS (api.paypal.com, api.sandbox.paypal.com, …). */
export function isPaypalCertUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return url.protocol === 'https:' && url.port === '' && url.username === '' && url.password === '' && (host === 'paypal.com' || host.endsWith('.paypal.com'));
}

/** The five PAYPAL-* headers of a delivery; throws (refused, 422) when one is missing or the cert URL is not PayPal's. */
export function signatureFields(req: InboundRequest): SignatureFields {
  const fields = {} as SignatureFields;
  for (const [field, header] of Object.entries(SIGNATURE_HEADERS) as Array<[keyof SignatureFields, string]>) {
    const value = inboundHeader(req, header)?.trim();
    if (!value || value.length > 500) throw new ProviderError('permanent', `not a signed PayPal delivery: the ${header.toUpperCase()} header is missing`);
    fields[field] = value;
  }
  if (!isPaypalCertUrl(fields.cert_url)) throw new ProviderError('permanent', 'not a signed PayPal delivery: PAYPAL-CERT-URL is not on a paypal.com host');
  return fields;
}

/** The item of one PayPal event body when it is this trigger's event: keyed by the event id. */
export function itemsOf(eventType: PaypalEventType, body: unknown): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const b = body as { id?: unknown; event_type?: unknown; create_time?: unknown };
  if (b.event_type !== eventType || typeof b.id !== 'string' || b.id === '') return [];
  const at = typeof b.create_time === 'string' ? Date.parse(b.create_time) : Number.NaN;
  return [{ key: b.id, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}

/** Asks PayPal whether it signed this delivery for our webhook; throws unless it answers SUCCESS. */
export async function confirmWithPaypal(req: InboundRequest, event: unknown, ctx: WebhookContext<unknown>): Promise<void> {
  const webhookId = webhookIdOf(ctx.state);
  if (!webhookId) throw new ProviderError('permanent', 'this subscription has no PayPal webhook id to verify deliveries with');
  const fields = signatureFields(req);
  const res = await ctx.http.request<{ verification_status?: unknown } | null>({
    method: 'POST',
    path: '/v1/notifications/verify-webhook-signature',
    json: { ...fields, webhook_id: webhookId, webhook_event: event },
    allowStatus: PAYPAL_ERROR_STATUSES,
  });
  if (res.status >= 400) throw paypalError(res, ctx.now());
  const status = res.body?.verification_status;
  if (status === 'SUCCESS') return;
  throw new ProviderError('permanent', `PayPal did not confirm the delivery's signature (verification_status ${typeof status === 'string' ? status.slice(0, 20) : 'missing'})`);
}

export function paypalWebhook(eventType: PaypalEventType): WebhookSource {
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    async register(ctx) {
      const res = await ctx.http.request<{ id?: unknown } | null>({
        method: 'POST',
        path: '/v1/notifications/webhooks',
        json: { url: hookUrlWithToken(ctx.hookUrl, ctx.secret), event_types: [{ name: eventType }] },
        allowStatus: PAYPAL_ERROR_STATUSES,
      });
      if (res.status >= 400) throw paypalError(res, ctx.now());
      const id = res.body?.id;
      if (typeof id !== 'string' || !WEBHOOK_ID.test(id)) throw new ProviderError('permanent', 'PayPal created the webhook but answered without its id');
      return { state: { webhookId: id } };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/v1/notifications/webhooks/${id}`, allowStatus: PAYPAL_ERROR_STATUSES });
      if (res.status === 404) {
        ctx.log.info('PayPal webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw paypalError(res, ctx.now());
    },
    async check(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ id?: unknown } | null>({ path: `/v1/notifications/webhooks/${id}`, allowStatus: PAYPAL_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw paypalError(res, ctx.now());
      if (res.body?.id !== id) throw new ProviderError('transient', 'PayPal GET webhook answered without the webhook');
      return 'active';
    },
    deliveryId(req) {
      return inboundHeader(req, 'paypal-transmission-id');
    },
    async toItems(req, ctx) {
      const event = inboundJson(req);
      const items = itemsOf(eventType, event);
      // Another event type on this URL (none is subscribed) is acknowledged and ignored, with no PayPal call.
      if (items.length === 0) return [];
      await confirmWithPaypal(req, event, ctx);
      return items;
    },
  };
}
