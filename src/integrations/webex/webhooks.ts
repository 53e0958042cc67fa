// Per-subscription Webex webhooks: `POST /v1/webhooks` for the trigger's resource and event, with our
// per-subscription URL as `targetUrl`, an optional `filter` from the parameters and the subscription's fresh
// secret as `secret`; `DELETE /v1/webhooks/{id}` on unsubscribe; `GET /v1/webhooks/{id}` every hour (a webhook
// Webex disabled after failed deliveries answers `status: "inactive"` and is created again).
//
// https://developer.webex.com/docs/api/v1/webhooks/create-a-webhook, …/get-webhook-details, …/delete-a-webhook
// https://developer.webex.com/docs/receive-and-verify-webhooks (envelope, X-Spark-Signature)
// https://developer.webex.com/docs/webhook-event-reference (resources, events, filters)
import { ProviderError, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { WEBEX_HANDLED_STATUSES, filterOf, readMessage, webexError, type WebexParams } from './api.js';

/** `X-Spark-Signature`: the hex HMAC-SHA1 of the raw body, keyed with the webhook's `secret`. No timestamp is signed. */
export const WEBEX_SIGNATURE: HmacScheme = { kind: 'hmac', algorithm: 'sha1', header: 'x-spark-signature', encoding: 'hex' };

export type WebexResource = 'messages' | 'rooms' | 'memberships' | 'meetings';
export type WebexEvent = 'created' | 'updated' | 'deleted' | 'started' | 'ended';

export type WebexEnvelope = Record<string, unknown> & { data?: unknown };

/** A string field, else null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function dataOf(body: WebexEnvelope): Record<string, unknown> | null {
  const d = body.data;
  return d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : null;
}

/**
 * The item key of an envelope: resource, event, the object's `data.id` and, when present, `data.created`. The
 * created time matters for memberships: a membership id names a person in a space, so someone removed and added
 * again gets the same id with a new `created`. A retry resends the same body, so the same key.
 */
export function webexKey(body: WebexEnvelope): string | null {
  const data = dataOf(body);
  const resource = text(body.resource);
  const event = text(body.event);
  const id = data ? text(data.id) : null;
  if (!resource || !event || !id) return null;
  const created = data ? text(data.created) : null;
  return `${resource}:${event}:${id}${created ? `@${created}` : ''}`;
}

function occurredAtOf(body: WebexEnvelope): number | undefined {
  const data = dataOf(body);
  for (const v of [data?.created, data?.start, body.created]) {
    if (typeof v === 'string') {
      const ms = Date.parse(v);
      if (Number.isFinite(ms)) return ms;
    }
  }
  return undefined;
}

/** The webhook a subscription created, from its state. */
function webhookIdOf(state: Record<string, unknown>): string | null {
  const id = text(state.webhookId);
  return id !== null && /^[A-Za-z0-9_=-]{1,400}$/.test(id) ? id : null;
}

export interface WebexWebhookSpec {
  trigger: string;
  resource: WebexResource;
  event: WebexEvent;
  /** Messages: the envelope carries ids only, so the message is read with GET /v1/messages/{id}. */
  readMessage?: boolean;
}

export function webexWebhook(spec: WebexWebhookSpec): WebhookSource<WebexParams> {
  return {
    kind: 'webhook',
    verification: WEBEX_SIGNATURE,
    // No redeliveryDays: Webex does not document how long, or whether, it retries a delivery; keys keep their markers.
    async register(ctx) {
      const filter = filterOf(ctx.params);
      const res = await ctx.http.request<{ id?: unknown; status?: unknown } | null>({
        method: 'POST',
        path: '/v1/webhooks',
        json: {
          name: `OpenTriggers ${spec.trigger}`,
          targetUrl: ctx.hookUrl,
          resource: spec.resource,
          event: spec.event,
          ...(filter ? { filter } : {}),
          secret: ctx.secret,
        },
        allowStatus: WEBEX_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw webexError(`the ${spec.resource} ${spec.event} webhook`, res, ctx.now());
      const webhookId = text(res.body?.id);
      if (!webhookId) throw new ProviderError('transient', 'Webex created the webhook but answered without its id');
      ctx.log.info('webex webhook created', { webhookId, resource: spec.resource, event: spec.event, filter: filter ?? null });
      return { state: { webhookId, resource: spec.resource, event: spec.event, ...(filter ? { filter } : {}) } };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/v1/webhooks/${encodeURIComponent(id)}`, allowStatus: WEBEX_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('webex webhook already gone', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw webexError(`deleting webhook ${id}`, res, ctx.now());
    },
    async check(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ status?: unknown } | null>({ method: 'GET', path: `/v1/webhooks/${encodeURIComponent(id)}`, allowStatus: WEBEX_HANDLED_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw webexError(`reading webhook ${id}`, res, ctx.now());
      return res.body?.status === 'inactive' ? 'inactive' : 'active';
    },
    // Webex sends no delivery id: the webhook id and the object id are logged instead.
    deliveryId(req: InboundRequest) {
      const body = inboundJson(req);
      const hook = text(body?.id);
      const data = body ? dataOf(body) : null;
      const id = data ? text(data.id) : null;
      return hook && id ? `${hook}/${id}` : undefined;
    },
    async toItems(req, ctx: WebhookContext<WebexParams>): Promise<Item[]> {
      const body = inboundJson(req);
      // Only this webhook's resource and event (a firehose or foreign body carries nothing for this trigger).
      if (!body || body.resource !== spec.resource || body.event !== spec.event) return [];
      const key = webexKey(body);
      if (key === null) return [];
      const occurredAt = occurredAtOf(body);
      let payload: WebexEnvelope = body;
      if (spec.readMessage) {
        const id = text(dataOf(body)!.id)!;
        const message = await readMessage(ctx.http, id, ctx.now());
        if (message === null) {
          // Deleted before we could read it: nothing left to deliver.
          ctx.log.info('webex message gone before it was read', { messageId: id });
          return [];
        }
        payload = { ...body, data: message };
      }
      return [{ key, payload, ...(occurredAt !== undefined ? { occurredAt } : {}) }];
    },
  };
}
