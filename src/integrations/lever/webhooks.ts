// Lever webhooks created by API, one per trigger subscription ("Webhooks via the API",
// https://hire.lever.co/developer/documentation#webhooks-via-the-api): `POST /webhooks` with `{url, event}` answers
// 201 with the webhook's `id` and `configuration.signatureToken`, stored as the subscription's secret;
// `DELETE /webhooks/{id}` (204) on unsubscribe; `GET /webhooks` every hour (`check`): ours missing means gone.
//
// Verification: Lever signs in the BODY, not in a header — `signature` is the hex HMAC-SHA256, keyed with the
// webhook's signatureToken, of `token` (48 random characters) followed by `triggeredAt` (Unix ms), both body
// fields (https://hire.lever.co/developer/documentation#securing-webhooks). The SDK scheme says so with
// `signatureFrom` and `{json:token}`; the engine compares in constant time before toItems runs. The rest of the
// body is NOT covered by the signature: see the keys below. No tolerance: Lever retries a failed delivery five
// times with growing waits and lets admins rerun deliveries of the past two weeks, and whether a retry carries a
// new triggeredAt is not documented, so a window could refuse genuine retries.
//
// Keys: the signed `token`, the nonce Lever suggests caching against replays ("not honor any subsequent request
// with the same token"). Not the event's `id`: it is outside the signature, so one captured delivery could be
// replayed with a new id and made-up data forever (there is no time window). With the token as key, a replay with
// any change to the unsigned fields maps to the key already stored and is dropped; a retry that resends the same
// body is one event. No `redeliveryDays`: whether reruns keep the token is not confirmed.
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { LEVER_ERROR_STATUSES, leverError } from './api.js';

export const leverSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  signatureFrom: { jsonPath: 'signature' },
  encoding: 'hex',
  signingString: '{json:token}{timestamp}',
  timestampFrom: { jsonPath: 'triggeredAt', unit: 'ms' },
};

/** Lever's webhook events this integration subscribes to. */
export type LeverEvent = 'applicationCreated' | 'candidateHired' | 'candidateStageChange' | 'candidateArchiveChange' | 'candidateDeleted';

/** The body Lever POSTs: `{id?, event, triggeredAt, token, signature, data}`. */
export interface LeverDelivery {
  id?: unknown;
  event?: unknown;
  triggeredAt?: unknown;
  token?: unknown;
  signature?: unknown;
  data?: unknown;
}

export interface LeverWebhookSpec<P> {
  event: LeverEvent;
  /** Keep only deliveries this accepts (e.g. stage changes into the stage the subscriber asked for). */
  accept?: (data: Record<string, unknown>, params: P) => boolean;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function leverDeliveryOf(body: unknown): LeverDelivery | null {
  return body && typeof body === 'object' && !Array.isArray(body) ? body : null;
}

/** The signed per-delivery token: the item key. */
export function leverEventKey(body: unknown): string | null {
  return text(leverDeliveryOf(body)?.token);
}

/** `data.data` in Lever's documented 201 example, `data` in what integrators read; both are accepted. */
function createdWebhook(body: unknown): { id: string | null; signatureToken: string | null } {
  const outer = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
  const inner = outer && typeof outer === 'object' && (outer as { data?: unknown }).data && typeof (outer as { data?: unknown }).data === 'object'
    ? (outer as { data: unknown }).data
    : outer;
  const hook = (inner && typeof inner === 'object' ? inner : {}) as { id?: unknown; configuration?: { signatureToken?: unknown } };
  return { id: text(hook.id), signatureToken: text(hook.configuration?.signatureToken) };
}

export function leverWebhook<P extends Record<string, unknown>>(spec: LeverWebhookSpec<P>): WebhookSource<P> {
  return {
    kind: 'webhook',
    verification: leverSignatureScheme,
    async register(ctx) {
      const res = await ctx.http.request({
        method: 'POST',
        path: '/webhooks',
        json: { url: ctx.hookUrl, event: spec.event },
        allowStatus: LEVER_ERROR_STATUSES,
      });
      if (res.status >= 400) throw leverError(res, ctx.now());
      const created = createdWebhook(res.body);
      if (!created.id || !created.signatureToken) {
        throw new ProviderError('permanent', 'Lever created the webhook but answered without its id or configuration.signatureToken');
      }
      return { state: { webhookId: created.id }, secret: created.signatureToken };
    },
    async unregister(ctx) {
      const id = text(ctx.state.webhookId);
      if (!id) return;
      // 404: already deleted in Lever.
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(id)}`, allowStatus: LEVER_ERROR_STATUSES });
      if (res.status >= 400 && res.status !== 404) throw leverError(res, ctx.now());
    },
    async check(ctx) {
      const id = text(ctx.state.webhookId);
      if (!id) return 'gone';
      // Lever documents no single-webhook GET; the list holds every webhook of the account.
      const res = await ctx.http.request<{ data?: unknown }>({ path: '/webhooks', allowStatus: LEVER_ERROR_STATUSES });
      if (res.status >= 400) throw leverError(res, ctx.now());
      const list = Array.isArray(res.body?.data) ? (res.body.data as Array<{ id?: unknown }>) : null;
      if (!list) throw new ProviderError('transient', 'Lever answered GET /webhooks without a data list');
      return list.some((h) => h && h.id === id) ? 'active' : 'gone';
    },
    deliveryId: (req: InboundRequest) => text(leverDeliveryOf(req.body)?.id) ?? leverEventKey(req.body) ?? undefined,
    toItems(req, ctx): Item[] {
      const delivery = leverDeliveryOf(req.body);
      const key = leverEventKey(req.body);
      if (!delivery || !key || delivery.event !== spec.event) return [];
      const data = delivery.data && typeof delivery.data === 'object' && !Array.isArray(delivery.data) ? (delivery.data as Record<string, unknown>) : null;
      // Lever's test request carries `data: {}`: nothing happened, so nothing is delivered.
      if (!data || Object.keys(data).length === 0) return [];
      if (spec.accept && !spec.accept(data, ctx.params)) return [];
      // The token and signature only served verification; subscribers get the event itself.
      const payload = {
        ...(delivery.id !== undefined ? { id: delivery.id } : {}),
        event: delivery.event,
        triggeredAt: delivery.triggeredAt,
        data,
      };
      const at = typeof delivery.triggeredAt === 'number' && Number.isFinite(delivery.triggeredAt) ? delivery.triggeredAt : undefined;
      return [{ key, payload, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
