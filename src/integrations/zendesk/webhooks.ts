// Per-subscription Zendesk webhooks subscribed to one Zendesk event type each
// (https://developer.zendesk.com/documentation/webhooks/creating-and-monitoring-webhooks/):
// `POST /api/v2/webhooks` with our URL, `http_method: POST`, `request_format: json` and
// `subscriptions: ["zen:event-type:…"]`; Zendesk chooses the signing secret, read once with
// `GET /api/v2/webhooks/{id}/signing_secret`; `DELETE /api/v2/webhooks/{id}` on unsubscribe; and
// `GET /api/v2/webhooks/{id}` every hour (`check`, ADR 0018) so one deleted or deactivated there is created again.
//
// Signature (https://developer.zendesk.com/documentation/webhooks/verifying/): `X-Zendesk-Webhook-Signature` =
// base64(HMAC-SHA256(signing secret, TIMESTAMP + BODY)), the timestamp being `X-Zendesk-Webhook-Signature-Timestamp`
// (RFC 3339, e.g. `2021-07-25T10:00:00Z`). Zendesk documents no freshness window; see `toleranceSeconds`.
import { ProviderError, type HmacScheme, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { v2, ZENDESK_HANDLED_STATUSES, zendeskError } from './api.js';

export const ZENDESK_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-zendesk-webhook-signature',
  encoding: 'base64',
  signingString: '{timestamp}{body}',
  timestampHeader: 'x-zendesk-webhook-signature-timestamp',
  timestampUnit: 'rfc3339',
  // Zendesk names no window, and it is not documented whether a retry is signed again with a new timestamp.
  // An hour covers Zendesk's retries (seconds to minutes apart); a replay inside it is stored once by its key.
  toleranceSeconds: 3600,
};

/** The event envelope of event-subscribed webhooks (e.g. https://developer.zendesk.com/api-reference/webhooks/event-types/organization-events/). */
export interface ZendeskEventBody {
  type?: unknown;
  account_id?: unknown;
  id?: unknown;
  subject?: unknown;
  time?: unknown;
  zendesk_event_version?: unknown;
  detail?: { id?: unknown; updated_at?: unknown; created_at?: unknown } | null;
  event?: { comment?: { id?: unknown } | null; current?: unknown; previous?: unknown } | null;
}

export type ZendeskEventType =
  | 'zen:event-type:ticket.created'
  | 'zen:event-type:ticket.status_changed'
  | 'zen:event-type:ticket.comment_added'
  | 'zen:event-type:user.created'
  | 'zen:event-type:organization.created';

export function idText(value: unknown): string | null {
  if (typeof value === 'string' && value !== '' && value.length <= 64) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}

/** The object id: `detail.id`, else the last segment of `subject` (`zen:ticket:35436`, `zen:organization:…`). */
function objectId(body: ZendeskEventBody): string | null {
  const id = idText(body.detail?.id);
  if (id) return id;
  const subject = typeof body.subject === 'string' ? body.subject : '';
  const m = /^zen:[a-z_]+:([A-Za-z0-9-]{1,64})$/.exec(subject);
  return m ? m[1]! : null;
}

/**
 * The item key of one event. Zendesk sends a repeat of a delivery with the same body (same event `id`); keys
 * are chosen so that they stay the same even if a repeat were a re-emitted event with a new `id`:
 * - created (ticket, user, organization): the object id (an object is created once);
 * - comment added: the comment id;
 * - status changed: the ticket id and the ticket version the change produced (`detail.updated_at`), else the
 *   event id.
 */
export function itemKey(type: ZendeskEventType, body: ZendeskEventBody): string | null {
  const id = objectId(body);
  const eventId = idText(body.id);
  switch (type) {
    case 'zen:event-type:ticket.created':
    case 'zen:event-type:user.created':
    case 'zen:event-type:organization.created':
      return id;
    case 'zen:event-type:ticket.comment_added': {
      const commentId = idText(body.event?.comment?.id);
      if (commentId) return `comment:${commentId}`;
      return eventId ? `event:${eventId}` : null;
    }
    case 'zen:event-type:ticket.status_changed': {
      const version = typeof body.detail?.updated_at === 'string' && body.detail.updated_at !== '' ? body.detail.updated_at : null;
      if (id && version) return `${id}:${version}`;
      return eventId ? `event:${eventId}` : null;
    }
  }
}

function webhookIdOf(state: Record<string, unknown>): string | null {
  const id = state.webhookId;
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

interface ZendeskWebhookObject {
  id?: unknown;
  status?: unknown;
  subscriptions?: unknown;
}

export function zendeskWebhook(type: ZendeskEventType): WebhookSource {
  return {
    kind: 'webhook',
    verification: ZENDESK_SIGNATURE,
    // No redeliveryDays: created items are keyed by object id, and Zendesk documents no bound on how long a
    // delivery may be repeated (see docs/integrations/zendesk.md).
    async register(ctx) {
      const res = await ctx.http.request<{ webhook?: ZendeskWebhookObject | null } | null>({
        method: 'POST',
        path: v2(ctx.credential.extra, '/webhooks'),
        json: {
          webhook: {
            name: `OpenTriggers ${type.slice('zen:event-type:'.length)}`,
            status: 'active',
            endpoint: ctx.hookUrl,
            http_method: 'POST',
            request_format: 'json',
            subscriptions: [type],
          },
        },
        allowStatus: ZENDESK_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw zendeskError(res);
      const id = idText(res.body?.webhook?.id);
      if (!id) throw new ProviderError('permanent', 'Zendesk created the webhook but answered without its id');
      const secret = await signingSecret(ctx.http, ctx.credential.extra, id).catch(async (err: unknown) => {
        // Do not leave a webhook behind that we could never verify.
        await ctx.http.request({ method: 'DELETE', path: v2(ctx.credential.extra, `/webhooks/${encodeURIComponent(id)}`), allowStatus: [...ZENDESK_HANDLED_STATUSES, 500, 502, 503, 504] }).catch(() => undefined);
        throw err;
      });
      // Zendesk chose the signing secret: verify this subscription's deliveries with it.
      return { state: { webhookId: id }, secret };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: v2(ctx.credential.extra, `/webhooks/${encodeURIComponent(id)}`), allowStatus: ZENDESK_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Zendesk webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw zendeskError(res);
    },
    async check(ctx) {
      // The user (or another admin) may delete or deactivate the webhook in Admin Center; Zendesk tells nobody.
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ webhook?: ZendeskWebhookObject | null } | null>({
        path: v2(ctx.credential.extra, `/webhooks/${encodeURIComponent(id)}`),
        allowStatus: ZENDESK_HANDLED_STATUSES,
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw zendeskError(res);
      const hook = res.body?.webhook;
      if (!hook || typeof hook !== 'object') throw new ProviderError('transient', 'Zendesk GET /api/v2/webhooks/{id} answered without the webhook');
      return hook.status === 'inactive' ? 'inactive' : 'active';
    },
    deliveryId(req: InboundRequest) {
      const body = req.body as ZendeskEventBody | null;
      return idText(body?.id) ?? undefined;
    },
    toItems(req: InboundRequest): Item[] {
      const body = req.body as ZendeskEventBody | null;
      if (!body || typeof body !== 'object' || body.type !== type) return [];
      const key = itemKey(type, body);
      if (!key) return [];
      const at = typeof body.time === 'string' ? Date.parse(body.time) : NaN;
      return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
    },
  };
}

/** `GET /api/v2/webhooks/{id}/signing_secret` → `{signing_secret: {algorithm: "sha256", secret}}`. */
async function signingSecret(http: HttpClient, extra: Record<string, unknown>, id: string): Promise<string> {
  const res = await http.request<{ signing_secret?: { secret?: unknown; algorithm?: unknown } | null } | null>({
    path: v2(extra, `/webhooks/${encodeURIComponent(id)}/signing_secret`),
    allowStatus: ZENDESK_HANDLED_STATUSES,
  });
  if (res.status >= 400) throw zendeskError(res);
  const secret = res.body?.signing_secret?.secret;
  const algorithm = res.body?.signing_secret?.algorithm;
  if (typeof secret !== 'string' || secret === '') throw new ProviderError('permanent', 'Zendesk answered the signing secret request without a secret');
  if (typeof algorithm === 'string' && algorithm.toLowerCase() !== 'sha256') {
    throw new ProviderError('permanent', `Zendesk signs this webhook with ${algorithm.slice(0, 20)}, not SHA-256`);
  }
  return secret;
}
