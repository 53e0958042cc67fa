// Heroku app webhooks, one per trigger subscription (https://devcenter.heroku.com/articles/app-webhooks,
// https://devcenter.heroku.com/articles/app-webhooks-schema): `POST /apps/{app_id_or_name}/webhooks` with our
// per-subscription URL, the trigger's one entity in `include`, `level: "sync"` (Heroku retries until a delivery
// succeeds or its limit is reached; `notify` would try once) and the subscription's secret as `secret`. Heroku answers
// the webhook with its `id`, kept with the app in the subscription's state. `DELETE /apps/{app}/webhooks/{id}` on
// unsubscribe (404 tolerated); `GET /apps/{app}/webhooks/{id}` every hour (`check`): 404 makes the engine create it
// again.
//
// Verification: `Heroku-Webhook-Hmac-SHA256` is the base64 HMAC-SHA256 of the raw body keyed with the secret we chose.
// No timestamp is signed.
//
// Keys: the event id (`id` of the body, repeated as `webhook_metadata.event.id`): every attempt and every redelivery
// of one event carries it; `webhook_metadata.delivery.id` (or the `Heroku-Webhook-Id` header) is only logged. No
// `redeliveryDays`: Heroku retries for up to 72 hours, but whether a delivery can be resent later by hand is not
// confirmed.
import { ProviderError, inboundHeader, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { HEROKU_ERROR_STATUSES, herokuError } from './api.js';

export const HEROKU_WEBHOOKS_DOCS = 'https://devcenter.heroku.com/articles/app-webhooks';
export const HEROKU_EVENTS_DOCS = 'https://devcenter.heroku.com/articles/webhook-events';

export const herokuSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'heroku-webhook-hmac-sha256',
  encoding: 'base64',
};

export interface HerokuParams {
  app?: string;
}

/** The parts of a webhook body we read: `{id, action, resource, data, previous_data, created_at, webhook_metadata}`. */
export interface HerokuEventBody {
  id?: unknown;
  action?: unknown;
  resource?: unknown;
  created_at?: unknown;
  data?: Record<string, unknown> | null;
  previous_data?: Record<string, unknown> | null;
  webhook_metadata?: { delivery?: { id?: unknown } | null } | null;
}

/** What one trigger takes from Heroku: the entity it subscribes to and the events of it that fire. */
export interface HerokuEventSpec {
  /** The `include` entity (`api:release`, `api:build`, `dyno`, `api:addon`). */
  include: string;
  /** The body's `resource` for that entity. */
  resource: string;
  /** Whether this event (of the right resource) fires the trigger. */
  fires(body: HerokuEventBody): boolean;
}

/** An app name (lower-case letters, digits and dashes, starting with a letter) or an app id (a UUID). */
export const APP_NAME_OR_ID = /^(?:[a-z][a-z0-9-]{0,99}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The app of a subscription, checked before any call (it becomes part of the path). */
export function appOf(params: HerokuParams): string {
  const app = params.app;
  if (typeof app !== 'string' || !APP_NAME_OR_ID.test(app)) throw new ProviderError('permanent', 'app: must be a Heroku app name (lower-case letters, digits and dashes) or app id (UUID)');
  return app;
}

export function herokuDeliveryId(req: InboundRequest): string | undefined {
  const header = inboundHeader(req, 'heroku-webhook-id');
  if (header) return header;
  const body = req.body as HerokuEventBody | null;
  return body && typeof body === 'object' ? (nonEmpty(body.webhook_metadata?.delivery?.id) ?? undefined) : undefined;
}

/** The item of one delivery: the body as sent, keyed by its event id; another resource or event gives nothing. */
export function itemsOf(spec: HerokuEventSpec, body: unknown): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const b = body as HerokuEventBody;
  const key = nonEmpty(b.id);
  if (!key || b.resource !== spec.resource || !b.data || typeof b.data !== 'object' || !spec.fires(b)) return [];
  const at = typeof b.created_at === 'string' ? Date.parse(b.created_at) : NaN;
  return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}

const appPath = (app: string) => `/apps/${encodeURIComponent(app)}/webhooks`;

export function herokuWebhook(spec: HerokuEventSpec): WebhookSource<HerokuParams> {
  return {
    kind: 'webhook',
    verification: herokuSignatureScheme,
    async register(ctx) {
      const app = appOf(ctx.params);
      const res = await ctx.http.request<{ id?: unknown }>({
        method: 'POST',
        path: appPath(app),
        json: { include: [spec.include], level: 'sync', url: ctx.hookUrl, secret: ctx.secret },
        allowStatus: HEROKU_ERROR_STATUSES,
      });
      if (res.status >= 400) throw herokuError(res);
      const id = nonEmpty(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Heroku created the webhook but answered without its id');
      return { state: { webhookId: id, app } };
    },
    async unregister(ctx) {
      const id = nonEmpty(ctx.state.webhookId);
      const app = nonEmpty(ctx.state.app) ?? ctx.params.app;
      if (!id || !app) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `${appPath(app)}/${encodeURIComponent(id)}`, allowStatus: HEROKU_ERROR_STATUSES });
      // 404: the webhook (or the app) is already gone at Heroku.
      if (res.status >= 400 && res.status !== 404) throw herokuError(res);
    },
    async check(ctx) {
      const id = nonEmpty(ctx.state.webhookId);
      const app = nonEmpty(ctx.state.app) ?? ctx.params.app;
      if (!id || !app) return 'gone';
      const res = await ctx.http.request({ path: `${appPath(app)}/${encodeURIComponent(id)}`, allowStatus: HEROKU_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw herokuError(res);
      return 'active';
    },
    deliveryId: herokuDeliveryId,
    toItems: (req) => itemsOf(spec, req.body),
  };
}
