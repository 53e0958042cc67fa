// Paddle Billing notification destinations ("notification settings" in the API), one per trigger subscription:
// `POST /notification-settings` {description, destination: our per-subscription URL, type: "url",
// subscribed_events: [the trigger's event type]} (permission `notification_setting.write`). Paddle generates the
// destination's `endpoint_secret_key` and returns it in the answer; it becomes the subscription's secret.
// `DELETE /notification-settings/{id}` on unsubscribe (404 tolerated); `GET /notification-settings/{id}` every hour
// (`check`): 404 → created again, `active: false` → deleted and created again. Paddle allows 10 active destinations
// per account. Docs: https://developer.paddle.com/api-reference/notification-settings
//
// Verification: `Paddle-Signature: ts=<unix seconds>;h1=<hex>` where h1 = HMAC-SHA256 of `${ts}:${rawBody}` keyed with
// the endpoint secret key as text; several `h1` may appear while a secret is rotated
// (https://developer.paddle.com/webhooks/about/signature-verification). Paddle's SDKs allow 5 s of drift; we allow
// 300 s so that clock skew on a self-hosted server does not refuse genuine deliveries.
//
// Keys: the event id (`event_id`, `evt_…`). Paddle delivers at least once and repeats the same `event_id` on retries
// (a retry and each destination get their own `notification_id`, logged as the delivery id). No `redeliveryDays`:
// events can be replayed from the dashboard or API without a documented age limit.
import { ProviderError, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { PADDLE_ERROR_STATUSES, paddleError } from './api.js';

export const PADDLE_WEBHOOKS_DOCS = 'https://developer.paddle.com/webhooks/about/how-webhooks-work';

export const PADDLE_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'paddle-signature',
  encoding: 'hex',
  signingString: '{timestamp}:{body}',
  toleranceSeconds: 300,
  secretEncoding: 'utf8',
  structuredHeader: { timestampKey: 'ts', signatureKey: 'h1', pairSeparator: ';', kvSeparator: '=' },
};

export type PaddleEventType = 'transaction.completed' | 'subscription.created' | 'subscription.canceled' | 'subscription.past_due' | 'customer.created';

/** Paddle's notification setting ids: `ntfset_` + 26 lowercase letters and digits. */
const SETTING_ID = /^ntfset_[a-z\d]{26}$/;

interface NotificationSetting {
  id?: unknown;
  active?: unknown;
  endpoint_secret_key?: unknown;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function settingIdOf(state: Record<string, unknown>): string | null {
  const id = state.notificationSettingId;
  return typeof id === 'string' && SETTING_ID.test(id) ? id : null;
}

/** The notification id of a delivery (logged only; a retry of the same event keeps its `event_id`). */
export function paddleNotificationId(req: InboundRequest): string | undefined {
  const body = inboundJson(req);
  return body && typeof body === 'object' && !Array.isArray(body) ? (nonEmpty((body as { notification_id?: unknown }).notification_id) ?? undefined) : undefined;
}

/**
 * The item of one delivery: the body as sent (`{event_id, event_type, occurred_at, notification_id, data}`), keyed by
 * its event id, when it is this trigger's event type. Another type or a body without an event id gives nothing.
 */
export function itemsOf(type: PaddleEventType, body: unknown): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const b = body as { event_id?: unknown; event_type?: unknown; occurred_at?: unknown };
  const key = nonEmpty(b.event_id);
  if (!key || b.event_type !== type) return [];
  const at = typeof b.occurred_at === 'string' ? Date.parse(b.occurred_at) : Number.NaN;
  return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}

export function paddleWebhook(type: PaddleEventType): WebhookSource {
  return {
    kind: 'webhook',
    verification: PADDLE_SIGNATURE,
    async register(ctx) {
      const res = await ctx.http.request<{ data?: NotificationSetting | null } | null>({
        method: 'POST',
        path: '/notification-settings',
        json: { description: `OpenTriggers: ${type}`, destination: ctx.hookUrl, type: 'url', subscribed_events: [type] },
        allowStatus: PADDLE_ERROR_STATUSES,
      });
      if (res.status >= 400) throw paddleError(res, ctx.now());
      const data = res.body?.data;
      const id = nonEmpty(data?.id);
      const secret = nonEmpty(data?.endpoint_secret_key);
      if (!id || !SETTING_ID.test(id) || !secret) throw new ProviderError('permanent', 'Paddle created the notification destination but answered without its id or endpoint_secret_key');
      return { state: { notificationSettingId: id }, secret };
    },
    async unregister(ctx) {
      const id = settingIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/notification-settings/${id}`, allowStatus: PADDLE_ERROR_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Paddle notification destination was already deleted', { notificationSettingId: id });
        return;
      }
      if (res.status >= 400) throw paddleError(res, ctx.now());
    },
    async check(ctx) {
      const id = settingIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ data?: NotificationSetting | null } | null>({ path: `/notification-settings/${id}`, allowStatus: PADDLE_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw paddleError(res, ctx.now());
      const data = res.body?.data;
      if (!data || typeof data !== 'object') throw new ProviderError('transient', 'Paddle GET notification setting answered without the setting');
      return data.active === false ? 'inactive' : 'active';
    },
    deliveryId: paddleNotificationId,
    toItems: (req) => itemsOf(type, inboundJson(req)),
  };
}
