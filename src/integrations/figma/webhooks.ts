// Per-subscription Figma webhooks (Webhooks V2): `POST /v2/webhooks` for one event type on the team, project
// or file the subscription names, our per-subscription URL as `endpoint` and the subscription's fresh secret
// as `passcode`; `DELETE /v2/webhooks/:id` on unsubscribe; `GET /v2/webhooks/:id` every hour (ADR 0018).
//
// https://developers.figma.com/docs/rest-api/webhooks-endpoints (create, get, delete)
// https://developers.figma.com/docs/rest-api/webhooks-events (PING and event payloads)
// https://developers.figma.com/docs/rest-api/webhooks-security (the passcode, echoed in every body)
import {
  ProviderError,
  inboundJson,
  type ChallengeEchoHandshake,
  type InboundRequest,
  type Item,
  type SharedSecretScheme,
  type WebhookContext,
  type WebhookSource,
} from '../../sdk/index.js';
import { FIGMA_HANDLED_STATUSES, contextOf, figmaError, type FigmaParams } from './api.js';

/**
 * Figma does not sign deliveries: it echoes the webhook's `passcode` in every JSON body. Compared in
 * constant time with the subscription's secret (the passcode we chose when creating the webhook).
 */
export const FIGMA_PASSCODE_SCHEME: SharedSecretScheme = { kind: 'sharedSecret', jsonPath: 'passcode' };

/**
 * The PING Figma sends when a webhook is created. It may arrive while our create call is still running
 * (before the subscription exists), so it is answered without checking the passcode — answering only echoes
 * its `webhook_id` and stores nothing — and it never becomes an event.
 */
export const FIGMA_PING: ChallengeEchoHandshake = {
  kind: 'challengeEcho',
  match: { jsonPath: 'event_type', equals: 'PING' },
  respondWith: { jsonPath: 'webhook_id', as: 'json' },
  signed: false,
};

export type FigmaEventType = 'FILE_COMMENT' | 'FILE_VERSION_UPDATE' | 'LIBRARY_PUBLISH' | 'FILE_DELETE';

export type FigmaBody = Record<string, unknown>;

/** A string or number field as text, else null. */
export function text(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Figma's UTC ISO 8601 `timestamp` / `created_at`, as epoch ms. */
export function parseFigmaTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The webhook a subscription created, from its state. */
function webhookIdOf(state: Record<string, unknown>): string | null {
  const id = text(state.webhookId);
  return id !== null && /^[0-9A-Za-z_-]{1,64}$/.test(id) ? id : null;
}

export interface FigmaWebhookSpec {
  event: FigmaEventType;
  /** The item key of a body of this event, or null when it lacks what the key is made of (nothing is stored). */
  keyOf: (body: FigmaBody) => string | null;
  occurredAt?: (body: FigmaBody) => number | undefined;
}

export function figmaWebhook(spec: FigmaWebhookSpec): WebhookSource<FigmaParams> {
  return {
    kind: 'webhook',
    verification: FIGMA_PASSCODE_SCHEME,
    handshakes: [FIGMA_PING],
    // No redeliveryDays: Figma does not document how long it retries a delivery, so keys keep their markers.
    async register(ctx) {
      const { context, contextId } = contextOf(ctx.params);
      const res = await ctx.http.request<{ id?: unknown; status?: unknown } | null>({
        method: 'POST',
        path: '/v2/webhooks',
        json: {
          event_type: spec.event,
          context,
          context_id: contextId,
          endpoint: ctx.hookUrl,
          passcode: ctx.secret,
          status: 'ACTIVE',
          description: `OpenTriggers ${spec.event}`,
        },
        allowStatus: FIGMA_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw figmaError(`the ${spec.event} webhook on ${context} ${contextId}`, res);
      const webhookId = text(res.body?.id);
      if (!webhookId) throw new ProviderError('transient', 'Figma created the webhook but answered without its id');
      ctx.log.info('figma webhook created', { webhookId, context, contextId, event: spec.event });
      return { state: { webhookId, context, contextId, event: spec.event } };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/v2/webhooks/${encodeURIComponent(id)}`, allowStatus: FIGMA_HANDLED_STATUSES });
      // 404: "Webhook does not exist or you do not have permissions to access this webhook" — deleted already.
      if (res.status === 404) {
        ctx.log.info('figma webhook already gone', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw figmaError(`deleting webhook ${id}`, res);
    },
    async check(ctx) {
      // An editor or admin may delete the webhook, or pause it (status PAUSED: Figma sends it nothing).
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ status?: unknown } | null>({ method: 'GET', path: `/v2/webhooks/${encodeURIComponent(id)}`, allowStatus: FIGMA_HANDLED_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw figmaError(`reading webhook ${id}`, res);
      const status = res.body?.status;
      return typeof status === 'string' && status !== 'ACTIVE' ? 'inactive' : 'active';
    },
    // Figma sends no delivery id; the webhook id and the event's timestamp are logged instead.
    deliveryId(req: InboundRequest) {
      const body = inboundJson(req);
      const id = text(body?.webhook_id);
      const at = text(body?.timestamp);
      return id && at ? `${id}@${at}` : undefined;
    },
    toItems(req): Item[] {
      const body = inboundJson(req);
      // PING is answered as a handshake before it gets here; anything but this webhook's event is ignored.
      if (!body || body.event_type !== spec.event) return [];
      const key = spec.keyOf(body);
      if (key === null) return [];
      const occurredAt = spec.occurredAt?.(body);
      return [{ key, payload: withoutPasscode(body), ...(occurredAt !== undefined ? { occurredAt } : {}) }];
    },
  };
}

/** The body as delivered to the project, without the passcode (our subscription's secret). */
export function withoutPasscode(body: FigmaBody): FigmaBody {
  const { passcode: _passcode, ...rest } = body;
  return rest;
}

export type FigmaWebhookContext = WebhookContext<FigmaParams>;
