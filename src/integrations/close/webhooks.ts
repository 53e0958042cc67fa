// Close webhook subscriptions, one per trigger subscription (https://developer.close.com/api/resources/webhooks):
// `POST /webhook/` with our URL and one `{object_type, action}` event; Close answers the subscription with its
// `id` and a `signature_key` it chose, stored as the subscription's secret. `DELETE /webhook/{id}/` on unsubscribe;
// `GET /webhook/{id}/` every hour (`check`): gone (404) or `status: "paused"` makes the engine create it again.
//
// Verification: `close-sig-hash` is the hex HMAC-SHA256, keyed with the hex-decoded signature_key, of
// `close-sig-timestamp` (Unix seconds) followed by the raw body (secretEncoding 'hex'). Tolerance: 300 s.
//
// Keys: the Close event id (`event.id`, `ev_…`). A retry of a delivery carries the same event, so the same key.
// No `redeliveryDays`: how long Close may send an event again is not confirmed.
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { CLOSE_ERROR_STATUSES, closeError } from './api.js';

export const closeSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'close-sig-hash',
  encoding: 'hex',
  signingString: '{timestamp}{body}',
  timestampHeader: 'close-sig-timestamp',
  timestampUnit: 's',
  toleranceSeconds: 300,
  secretEncoding: 'hex',
};

/** The parts of Close's webhook body we read: `{subscription_id, event: {id, object_type, action, data, previous_data, changed_fields, date_created}}`. */
export interface CloseEvent {
  id?: unknown;
  object_type?: unknown;
  action?: unknown;
  object_id?: unknown;
  changed_fields?: unknown;
  date_created?: unknown;
}

interface CloseWebhookSubscription {
  id?: unknown;
  signature_key?: unknown;
  status?: unknown;
}

export interface CloseWebhookSpec {
  objectType: string;
  action: string;
  /** Keep only events this accepts (e.g. opportunity updates whose changed_fields name status_id). */
  accept?: (event: CloseEvent) => boolean;
}

export function closeEventOf(body: unknown): CloseEvent | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const event = (body as { event?: unknown }).event;
  return event && typeof event === 'object' && !Array.isArray(event) ? (event) : null;
}

export function closeEventId(req: InboundRequest): string | undefined {
  const id = closeEventOf(req.body)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Close writes `date_created` without a zone ("2019-01-15T12:48:23.395000"): it is UTC. */
function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const text = /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function idOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function closeWebhook(spec: CloseWebhookSpec): WebhookSource {
  return {
    kind: 'webhook',
    verification: closeSignatureScheme,
    async register(ctx) {
      const res = await ctx.http.request<CloseWebhookSubscription>({
        method: 'POST',
        path: '/webhook/',
        json: { url: ctx.hookUrl, events: [{ object_type: spec.objectType, action: spec.action }] },
        allowStatus: CLOSE_ERROR_STATUSES,
      });
      if (res.status >= 400) throw closeError(res);
      const id = idOf(res.body?.id);
      const key = idOf(res.body?.signature_key);
      if (!id || !key) throw new ProviderError('permanent', 'Close created the webhook subscription but answered without its id or signature_key');
      return { state: { webhookId: id }, secret: key };
    },
    async unregister(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return;
      // 404: already deleted in Close.
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhook/${encodeURIComponent(id)}/`, allowStatus: CLOSE_ERROR_STATUSES });
      if (res.status >= 400 && res.status !== 404) throw closeError(res);
    },
    async check(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request<CloseWebhookSubscription>({ path: `/webhook/${encodeURIComponent(id)}/`, allowStatus: CLOSE_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw closeError(res);
      return res.body?.status === 'paused' ? 'inactive' : 'active';
    },
    deliveryId: closeEventId,
    toItems(req): Item[] {
      const event = closeEventOf(req.body);
      const key = idOf(event?.id);
      if (!event || !key || event.object_type !== spec.objectType || event.action !== spec.action) return [];
      if (spec.accept && !spec.accept(event)) return [];
      const at = timeOf(event.date_created);
      return [{ key, payload: req.body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
