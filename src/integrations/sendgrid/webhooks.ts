// Per-subscription SendGrid Event Webhooks. An account may hold several Event Webhooks, each with its own URL,
// event flags and signing key pair, so each trigger subscription gets its own:
//   1. `POST /v3/user/webhooks/event/settings` {enabled: true, url: our hook URL, friendly_name, every event flag
//      false except the trigger's} → the webhook's `id`;
//   2. `PATCH /v3/user/webhooks/event/settings/signed/{id}` {enabled: true} → `public_key`, the base64 DER (SPKI)
//      ECDSA P-256 key SendGrid generated for it, stored as the subscription's secret (signing cannot be turned on
//      in the create call itself). If this fails the webhook just created is deleted again.
// `DELETE /v3/user/webhooks/event/settings/{id}` on unsubscribe; `GET /v3/user/webhooks/event/settings/{id}` every
// hour (`check`): 404 → gone, `enabled: false` → inactive (deleted and created again either way).
//
// Signature (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features):
// `X-Twilio-Email-Event-Webhook-Signature` = base64 of the ECDSA (SHA-256, DER) signature of the
// `X-Twilio-Email-Event-Webhook-Timestamp` value followed by the raw body. No freshness window: SendGrid retries
// for up to 24 hours and does not say whether a retry carries a new timestamp; replays are absorbed by the
// `sg_event_id` keys instead.
//
// The body is a JSON array of events (several per POST, possibly of other types if the webhook was edited at
// SendGrid, so we filter on `event` again). Each item is one event keyed by `sg_event_id`, which SendGrid gives
// for deduplication.
import { ProviderError, type AsymmetricScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { SENDGRID_HANDLED_STATUSES, sendgridError } from './api.js';

export const SENDGRID_SIGNATURE: AsymmetricScheme = {
  kind: 'asymmetric',
  algorithm: 'ecdsa-p256-sha256',
  header: 'x-twilio-email-event-webhook-signature',
  encoding: 'base64',
  signingString: '{timestamp}{body}',
  timestampHeader: 'x-twilio-email-event-webhook-timestamp',
};

/** The Event Webhook setting flags of the create call (the request's boolean fields). */
export const SENDGRID_EVENT_FLAGS = [
  'bounce', 'click', 'deferred', 'delivered', 'dropped', 'group_resubscribe', 'group_unsubscribe', 'open', 'processed',
  'spam_report', 'unsubscribe',
] as const;
export type SendGridEventFlag = (typeof SENDGRID_EVENT_FLAGS)[number];

/** One trigger: the setting flag to turn on and the `event` values it delivers. */
export interface SendGridEventSpec {
  flag: SendGridEventFlag;
  /** `event` values of the posted events (the `bounce` flag also covers `blocked`-type bounces, sent as `bounce`). */
  events: readonly string[];
}

export interface SendGridParams {
  category?: string;
}

/** The parts of a posted event we read. */
export interface SendGridEvent {
  event?: unknown;
  sg_event_id?: unknown;
  timestamp?: unknown;
  category?: unknown;
  [k: string]: unknown;
}

const WEBHOOK_ID = /^[A-Za-z0-9-]{1,64}$/;

function webhookIdOf(state: Record<string, unknown>): string | null {
  return typeof state.webhookId === 'string' && WEBHOOK_ID.test(state.webhookId) ? state.webhookId : null;
}

/** `category` is a string, or an array of strings when the message had several. */
function hasCategory(event: SendGridEvent, wanted: string): boolean {
  const c = event.category;
  if (typeof c === 'string') return c === wanted;
  return Array.isArray(c) && c.some((x) => x === wanted);
}

/** The items of one verified POST: the events of the trigger's types, each keyed by its `sg_event_id`. */
export function eventsToItems(spec: SendGridEventSpec, body: unknown, params: SendGridParams, log: { warn(msg: string, data?: Record<string, unknown>): void }): Item[] {
  if (!Array.isArray(body)) return [];
  const items: Item[] = [];
  const category = params.category !== undefined && params.category !== '' ? params.category : undefined;
  for (const raw of body as unknown[]) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const event = raw as SendGridEvent;
    if (typeof event.event !== 'string' || !spec.events.includes(event.event)) continue;
    if (category !== undefined && !hasCategory(event, category)) continue;
    if (typeof event.sg_event_id !== 'string' || event.sg_event_id === '' || event.sg_event_id.length > 200) {
      log.warn('SendGrid event without sg_event_id; ignored', { event: event.event });
      continue;
    }
    const at = typeof event.timestamp === 'number' && Number.isFinite(event.timestamp) ? event.timestamp * 1000 : undefined;
    items.push({ key: event.sg_event_id, payload: event, ...(at !== undefined ? { occurredAt: at } : {}) });
  }
  return items;
}

export function sendgridWebhook(type: string, spec: SendGridEventSpec): WebhookSource<SendGridParams> {
  return {
    kind: 'webhook',
    verification: SENDGRID_SIGNATURE,
    // No redeliveryDays: automatic retries last up to 24 hours, but duplicates beyond that have been reported and
    // no bound on them (or on manual resends) is documented, so every key keeps its marker.
    async register(ctx) {
      const flags = Object.fromEntries(SENDGRID_EVENT_FLAGS.map((f) => [f, f === spec.flag]));
      const created = await ctx.http.request<{ id?: unknown } | null>({
        method: 'POST',
        path: '/v3/user/webhooks/event/settings',
        json: { enabled: true, url: ctx.hookUrl, friendly_name: `OpenTriggers ${type}`.slice(0, 100), ...flags },
        allowStatus: SENDGRID_HANDLED_STATUSES,
      });
      if (created.status >= 400) throw sendgridError(created, ctx.now());
      const id = created.body?.id;
      if (typeof id !== 'string' || !WEBHOOK_ID.test(id)) {
        throw new ProviderError('permanent', 'SendGrid created the Event Webhook but answered without its id');
      }
      try {
        const signed = await ctx.http.request<{ public_key?: unknown } | null>({
          method: 'PATCH',
          path: `/v3/user/webhooks/event/settings/signed/${id}`,
          json: { enabled: true },
          allowStatus: SENDGRID_HANDLED_STATUSES,
        });
        if (signed.status >= 400) throw sendgridError(signed, ctx.now());
        const key = signed.body?.public_key;
        if (typeof key !== 'string' || key === '') {
          throw new ProviderError('permanent', 'SendGrid turned on signing for the Event Webhook but answered without its public_key');
        }
        return { state: { webhookId: id }, secret: key };
      } catch (error) {
        // Without its key nothing it posts could be verified: remove the webhook rather than leave it behind.
        await removeWebhook(ctx.http, id, ctx.now).catch((cleanup: unknown) =>
          ctx.log.warn('could not delete the unsigned SendGrid Event Webhook', { webhookId: id, error: String((cleanup as Error).message ?? cleanup) }),
        );
        throw error;
      }
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      if (!(await removeWebhook(ctx.http, id, ctx.now))) ctx.log.info('SendGrid Event Webhook was already deleted', { webhookId: id });
    },
    async check(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ enabled?: unknown } | null>({
        path: `/v3/user/webhooks/event/settings/${id}`,
        allowStatus: SENDGRID_HANDLED_STATUSES,
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw sendgridError(res, ctx.now());
      return res.body?.enabled === false ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest, ctx: WebhookContext<SendGridParams>): Item[] {
      return eventsToItems(spec, req.body, ctx.params, ctx.log);
    },
  };
}

/** Deletes one Event Webhook; false when SendGrid no longer had it. */
async function removeWebhook(http: WebhookContext['http'], id: string, now: () => number): Promise<boolean> {
  const res = await http.request({ method: 'DELETE', path: `/v3/user/webhooks/event/settings/${id}`, allowStatus: SENDGRID_HANDLED_STATUSES });
  if (res.status === 404) return false;
  if (res.status >= 400) throw sendgridError(res, now());
  return true;
}
