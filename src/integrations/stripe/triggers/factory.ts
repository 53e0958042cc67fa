// Every Stripe trigger is the same machine with a different event type: a webhook endpoint created for
// the subscription with exactly that one event enabled, verified with the secret Stripe returns at creation,
// deleted on unsubscribe, read every hour (`check`, ADR 0018) so one deleted or disabled is created again.
// The payload is the Stripe Event object exactly as Stripe sends it; the event id
// (`evt_…`) is the delivery id, so Stripe's retries of one event never become a second event.
import {
  ProviderError,
  defineTrigger,
  type InboundRequest,
  type Item,
  type TriggerDefinition,
  type WebhookContext,
} from '../../../sdk/index.js';
import { stripeSignatureScheme } from '../scheme.js';

/** The parts of Stripe's WebhookEndpoint object we read (https://docs.stripe.com/api/webhook_endpoints/object). */
interface StripeWebhookEndpoint {
  id?: unknown;
  object?: unknown;
  secret?: unknown;
  /** `enabled` or `disabled`. */
  status?: unknown;
}

/** The parts of the Event object we read (https://docs.stripe.com/api/events/object). */
interface StripeEvent {
  id?: unknown;
  object?: unknown;
  type?: unknown;
  created?: unknown;
}

export interface StripeEventTriggerSpec {
  type: string;
  title: string;
  description: string;
  /** The Stripe event type this trigger enables on its endpoint, e.g. `customer.created`. */
  eventType: string;
  examplePayload: unknown;
}

export const STRIPE_EVENT_TYPES_DOCS = 'https://docs.stripe.com/api/events/types';

function asEvent(body: unknown): StripeEvent | null {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? body : null;
}

/**
 * The longest Stripe sends one event again: automatic retries for up to 3 days in live mode, a Dashboard
 * resend up to 15 days after the event, `stripe events resend` up to 30 days
 * (https://docs.stripe.com/webhooks, https://docs.stripe.com/cli/events/resend). Older events need no
 * dedupe marker (redeliveryDays).
 */
const STRIPE_REDELIVERY_DAYS = 30;

/** The Stripe Event id of a verified delivery: the dedupe key across Stripe's retries. */
export function stripeEventId(req: InboundRequest): string | undefined {
  const id = asEvent(req.body)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export function stripeEventTrigger(spec: StripeEventTriggerSpec): TriggerDefinition {
  const { eventType } = spec;

  async function deleteEndpoint(ctx: WebhookContext, endpointId: string): Promise<void> {
    const res = await ctx.http.request({
      method: 'DELETE',
      path: `/webhook_endpoints/${encodeURIComponent(endpointId)}`,
      allowStatus: [404],
    });
    if (res.status === 404) ctx.log.info('Stripe webhook endpoint was already deleted', { endpointId });
  }

  return defineTrigger({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [],
    examplePayload: spec.examplePayload,
    docsUrl: `${STRIPE_EVENT_TYPES_DOCS}#event_types-${eventType}`,
    source: {
      kind: 'webhook',
      verification: stripeSignatureScheme,
      redeliveryDays: STRIPE_REDELIVERY_DAYS,
      async register(ctx) {
        // Form-encoded, as every Stripe write (https://docs.stripe.com/api/webhook_endpoints/create).
        // `api_version` is left unset: events render with the account's default version, the shape the
        // account owner sees in their Dashboard.
        const res = await ctx.http.request<StripeWebhookEndpoint>({
          method: 'POST',
          path: '/webhook_endpoints',
          form: {
            url: ctx.hookUrl,
            'enabled_events[]': [eventType],
            description: `OpenTriggers: ${spec.type}`,
            'metadata[opentriggers_trigger]': spec.type,
          },
        });
        const { id, secret } = res.body ?? {};
        if (typeof id !== 'string' || id === '') {
          throw new ProviderError('permanent', 'Stripe answered the webhook endpoint creation without an endpoint id');
        }
        if (typeof secret !== 'string' || secret === '') {
          // Without the secret no delivery could ever be verified: remove the endpoint rather than leave it.
          await deleteEndpoint({ ...ctx, state: {} }, id).catch(() => undefined);
          throw new ProviderError('permanent', 'Stripe created the webhook endpoint without returning its signing secret');
        }
        return { state: { endpointId: id }, secret };
      },
      async unregister(ctx) {
        const endpointId = ctx.state.endpointId;
        if (typeof endpointId !== 'string' || endpointId === '') return;
        await deleteEndpoint(ctx, endpointId);
      },
      async check(ctx) {
        // The account owner may delete or disable the endpoint in the Dashboard (or Stripe may disable one that
        // keeps failing); Stripe's API tells us nothing. `GET /v1/webhook_endpoints/{id}`: 404
        // (`resource_missing`) → gone, `status: 'disabled'` → inactive. 429 and 5xx throw (rate_limited /
        // transient) through the HTTP client: we cannot tell.
        const endpointId = ctx.state.endpointId;
        if (typeof endpointId !== 'string' || endpointId === '') return 'gone';
        const res = await ctx.http.request<StripeWebhookEndpoint>({
          method: 'GET',
          path: `/webhook_endpoints/${encodeURIComponent(endpointId)}`,
          allowStatus: [404],
        });
        if (res.status === 404) return 'gone';
        return res.body?.status === 'disabled' ? 'inactive' : 'active';
      },
      deliveryId: stripeEventId,
      toItems(req): Item[] {
        const event = asEvent(req.body);
        const id = stripeEventId(req);
        if (!event || id === undefined || event.object !== 'event') {
          throw new ProviderError('permanent', 'the request is not a Stripe Event object');
        }
        // The endpoint enables only this event type; anything else (a test "ping" from the Dashboard, an
        // endpoint edited by hand) is acknowledged and ignored.
        if (event.type !== eventType) return [];
        const created = typeof event.created === 'number' ? event.created * 1000 : undefined;
        return [{ key: id, payload: req.body, ...(created !== undefined ? { occurredAt: created } : {}) }];
      },
    },
  });
}
