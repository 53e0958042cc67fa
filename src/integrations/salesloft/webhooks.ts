// Per-subscription Salesloft webhooks (API v2): one webhook subscription per trigger subscription, created with
// `POST /v2/webhook_subscriptions` {callback_url: our per-subscription URL, callback_token: our per-subscription
// secret, event_type}, deleted on unsubscribe (`DELETE /v2/webhook_subscriptions/{id}`) and read every hour
// (`check`, ADR 0018) with `GET /v2/webhook_subscriptions/{id}`: a 404 (deleted in Salesloft) or `enabled: false`
// makes the engine create it again.
//
// Signature (https://developers.salesloft.com/docs/platform/webhooks/delivery-headers/): `x-salesloft-signature`
// is the hex HMAC-SHA1 of the body keyed with the subscription's `callback_token` — a key we choose per
// subscription, so no app-wide key (`appSigningKey`) is involved. `x-salesloft-event` names the event type. No
// timestamp is signed, so there is no freshness window. The body is the resource object itself ("receive the new
// person object"); no event or delivery id is documented, so keys come from the resource.
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { SALESLOFT_HANDLED_STATUSES, salesloftError } from './api.js';

export const SALESLOFT_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha1',
  header: 'x-salesloft-signature',
  encoding: 'hex',
};

export type SalesloftEvent = 'person_created' | 'person_updated' | 'cadence_membership_created' | 'call_created' | 'meeting_booked';

export interface SalesloftParams {
  cadenceId?: string;
}

/** The parts of a Salesloft resource (Person, CadenceMembership, Call, Meeting) we read. */
export interface SalesloftResource {
  id?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
  cadence?: { id?: unknown } | null;
}

export function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  return null;
}

function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : undefined;
}

/**
 * The resource a delivery carries: the body itself, or — should Salesloft wrap it the way its REST answers are
 * wrapped — the object under `data` (the exact body shape is not published; docs/integrations/salesloft.md).
 */
export function resourceOf(body: unknown): SalesloftResource | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as SalesloftResource & { data?: unknown };
  if (b.id === undefined && b.data && typeof b.data === 'object' && !Array.isArray(b.data)) return b.data;
  return b;
}

/**
 * The item key of one delivery. A retry re-sends the same resource, so it maps to the same key:
 * - the `*_created` events and `meeting_booked`: the object id (created, or booked, once);
 * - `person_updated`: id and `updated_at` (each change moves `updated_at`).
 * Returns null when the resource lacks what the key needs.
 */
export function itemKey(event: SalesloftEvent, r: SalesloftResource): string | null {
  const id = idText(r.id);
  if (!id) return null;
  if (event !== 'person_updated') return id;
  return typeof r.updated_at === 'string' && r.updated_at !== '' ? `${id}:${r.updated_at}` : null;
}

function occurredAt(event: SalesloftEvent, r: SalesloftResource): number | undefined {
  return event === 'person_updated' || event === 'meeting_booked' ? time(r.updated_at) ?? time(r.created_at) : time(r.created_at);
}

function subscriptionIdOf(state: Record<string, unknown>): string | null {
  return idText(state.webhookSubscriptionId);
}

export function salesloftWebhook(event: SalesloftEvent): WebhookSource<SalesloftParams> {
  return {
    kind: 'webhook',
    verification: SALESLOFT_SIGNATURE,
    // No redeliveryDays: Salesloft retries a failing delivery three times 15 s apart, but whether a failed one can
    // be re-sent later is not documented, and the keys name objects; every key keeps its marker.
    async register(ctx) {
      const res = await ctx.http.request<{ data?: { id?: unknown } | null; id?: unknown } | null>({
        method: 'POST',
        path: '/webhook_subscriptions',
        json: { callback_url: ctx.hookUrl, callback_token: ctx.secret, event_type: event },
        allowStatus: SALESLOFT_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw salesloftError(res, ctx.now());
      const id = idText(res.body?.data?.id ?? res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Salesloft created the webhook subscription but answered without its id');
      return { state: { webhookSubscriptionId: id } };
    },
    async unregister(ctx) {
      const id = subscriptionIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhook_subscriptions/${id}`, allowStatus: SALESLOFT_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Salesloft webhook subscription was already deleted', { webhookSubscriptionId: id });
        return;
      }
      if (res.status >= 400) throw salesloftError(res, ctx.now());
    },
    async check(ctx) {
      const id = subscriptionIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ data?: { enabled?: unknown } | null } | null>({
        method: 'GET',
        path: `/webhook_subscriptions/${id}`,
        allowStatus: SALESLOFT_HANDLED_STATUSES,
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw salesloftError(res, ctx.now());
      return res.body?.data?.enabled === false ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest, ctx: WebhookContext<SalesloftParams>): Item[] {
      const sent = req.headers['x-salesloft-event'];
      if (sent !== undefined && sent !== event) return [];
      const r = resourceOf(req.body);
      if (!r) return [];
      const cadenceId = ctx.params.cadenceId;
      // Salesloft webhooks cannot be filtered by cadence; the filter is ours.
      if (cadenceId && idText(r.cadence?.id) !== cadenceId) return [];
      const key = itemKey(event, r);
      if (!key) {
        ctx.log.warn('Salesloft delivery without the fields its key needs; ignored', { event });
        return [];
      }
      const at = occurredAt(event, r);
      return [{ key, payload: r, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
