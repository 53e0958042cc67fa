// PagerDuty v3 webhook subscriptions, one per trigger subscription: `POST /webhook_subscriptions` with our
// per-subscription URL, the trigger's one event type and a filter (a service, or the whole account); deleted on
// unsubscribe (`DELETE /webhook_subscriptions/{id}`) and read every hour (`check`, ADR 0018) with
// `GET /webhook_subscriptions/{id}`, so one deleted at PagerDuty (404) or switched off (`active: false`) is made
// again.
//
// Signature (https://github.com/PagerDuty/developer-docs/blob/main/docs/webhooks/04-Signatures.md):
// `X-PagerDuty-Signature` holds one or more `v1=<hex HMAC-SHA256 of the raw body>` separated by commas (several
// during a secret rotation; one match is enough), keyed with the secret PagerDuty generates for the subscription
// and returns once, in the create response's `delivery_method.secret`. There is no timestamp.
import { ProviderError, inboundHeader, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { PAGERDUTY_HANDLED_STATUSES, pagerdutyError } from './api.js';

export const PAGERDUTY_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-pagerduty-signature',
  prefix: 'v1=',
  encoding: 'hex',
  multiple: { separator: ',' },
};

export const PAGERDUTY_WEBHOOKS_DOCS = 'https://support.pagerduty.com/docs/webhooks';

export type PagerDutyIncidentEvent = 'incident.triggered' | 'incident.acknowledged' | 'incident.resolved' | 'incident.annotated';

export interface PagerDutyParams {
  serviceId?: string;
}

/** The parts of a v3 webhook body we read. */
export interface PagerDutyWebhookBody {
  event?: { id?: unknown; event_type?: unknown; occurred_at?: unknown; data?: unknown } | null;
}

interface PagerDutySubscriptionObject {
  id?: unknown;
  active?: unknown;
  delivery_method?: { secret?: unknown } | null;
}

export const PAGERDUTY_ID = /^[A-Za-z0-9]{1,32}$/;

function subscriptionIdOf(state: Record<string, unknown>): string | null {
  return typeof state.webhookSubscriptionId === 'string' && PAGERDUTY_ID.test(state.webhookSubscriptionId) ? state.webhookSubscriptionId : null;
}

/** A service's incidents when `serviceId` is given, else every incident of the account. */
export function subscriptionFilter(params: PagerDutyParams): { type: 'service_reference'; id: string } | { type: 'account_reference' } {
  const serviceId = params.serviceId;
  if (serviceId === undefined || serviceId === '') return { type: 'account_reference' };
  if (!PAGERDUTY_ID.test(serviceId)) throw new ProviderError('permanent', 'serviceId: must be a PagerDuty service id (letters and digits, e.g. PF9KMXH)');
  return { type: 'service_reference', id: serviceId };
}

/**
 * The item of one delivery: the webhook body as sent, keyed by `event.id` — the outbound event's unique id,
 * which every retry of that delivery repeats (PagerDuty delivers at least once). Another event type, or a body
 * without an event id, gives nothing.
 */
export function itemsOf(event: PagerDutyIncidentEvent, body: unknown): Item[] {
  const b = body as PagerDutyWebhookBody | null;
  const e = b && typeof b === 'object' ? b.event : null;
  if (!e || typeof e !== 'object' || e.event_type !== event) return [];
  if (typeof e.id !== 'string' || e.id === '') return [];
  const at = typeof e.occurred_at === 'string' ? Date.parse(e.occurred_at) : Number.NaN;
  return [{ key: e.id, payload: b, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}

export function pagerdutyWebhook(event: PagerDutyIncidentEvent): WebhookSource<PagerDutyParams> {
  return {
    kind: 'webhook',
    verification: PAGERDUTY_SIGNATURE,
    // No redeliveryDays: PagerDuty documents automatic retries (5 attempts over about 20 minutes) but not whether
    // or for how long an event may be sent again otherwise, so every key keeps its dedupe marker.
    async register(ctx) {
      const filter = subscriptionFilter(ctx.params);
      const res = await ctx.http.request<{ webhook_subscription?: PagerDutySubscriptionObject | null } | null>({
        method: 'POST',
        path: '/webhook_subscriptions',
        json: {
          webhook_subscription: {
            type: 'webhook_subscription',
            description: `OpenTriggers (${event})`,
            delivery_method: { type: 'http_delivery_method', url: ctx.hookUrl },
            events: [event],
            filter,
          },
        },
        allowStatus: PAGERDUTY_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw pagerdutyError(res);
      const created = res.body?.webhook_subscription;
      const id = created?.id;
      const secret = created?.delivery_method?.secret;
      if (typeof id !== 'string' || !PAGERDUTY_ID.test(id) || typeof secret !== 'string' || secret === '') {
        throw new ProviderError('permanent', 'PagerDuty created the webhook subscription but answered without its id and secret');
      }
      // PagerDuty generated the signing secret and shows it only now: verify this subscription's deliveries with it.
      return { state: { webhookSubscriptionId: id }, secret };
    },
    async unregister(ctx) {
      const id = subscriptionIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhook_subscriptions/${id}`, allowStatus: PAGERDUTY_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('PagerDuty webhook subscription was already deleted', { webhookSubscriptionId: id });
        return;
      }
      if (res.status >= 400) throw pagerdutyError(res);
    },
    async check(ctx) {
      const id = subscriptionIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ webhook_subscription?: PagerDutySubscriptionObject | null } | null>({
        path: `/webhook_subscriptions/${id}`,
        allowStatus: PAGERDUTY_HANDLED_STATUSES,
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw pagerdutyError(res);
      const sub = res.body?.webhook_subscription;
      if (!sub || typeof sub !== 'object') throw new ProviderError('transient', 'PagerDuty GET /webhook_subscriptions/{id} answered without the subscription');
      return sub.active === false ? 'inactive' : 'active';
    },
    deliveryId(req) {
      return inboundHeader(req, 'x-webhook-id');
    },
    toItems(req: InboundRequest, ctx: WebhookContext<PagerDutyParams>): Item[] {
      const id = subscriptionIdOf(ctx.state);
      const sentFor = inboundHeader(req, 'x-webhook-subscription');
      if (id && sentFor && sentFor !== id) {
        // Signed with this subscription's secret but naming another webhook subscription: not ours to deliver.
        ctx.log.warn('PagerDuty delivery names another webhook subscription; ignored', { webhookSubscriptionId: id, sentFor });
        return [];
      }
      return itemsOf(event, inboundJson(req));
    },
  };
}
