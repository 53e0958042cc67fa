// Chargebee webhook endpoints, one per trigger subscription, created through the API v2 with the API key:
// `POST /api/v2/webhook_endpoints` (form fields `name`, `url`, `api_version=v2`, `basic_auth_username`,
// `basic_auth_password`, `enabled_events[0]` = the trigger's event type) → `{webhook_endpoint: {id, url, disabled, …}}`.
// Deleted on unsubscribe (`POST …/webhook_endpoints/{id}/delete`, 404 tolerated); read every hour (`check`,
// `GET …/webhook_endpoints/{id}`): 404 → created again, `disabled: true` → deleted and created again.
//
// Verification: Chargebee signs nothing; it protects a webhook URL with HTTP Basic credentials that we choose when we
// create the endpoint. Each endpoint gets the user name `opentriggers` and the subscription's fresh random secret as
// password, and the subscription verifies with `Authorization: Basic base64(opentriggers:<secret>)`, compared in
// constant time (sharedSecret scheme; the stored secret is the base64 credential register returns).
//
// Keys: Chargebee's event `id`, which "uniquely identifies an event" and is the same on every retry and manual resend.
// No `redeliveryDays`: retries end about 3 days and 7 hours after the event, but manual resends from the web console
// have no documented bound, so every key keeps its marker.
import { ProviderError, inboundJson, type InboundRequest, type Item, type SharedSecretScheme, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { CHARGEBEE_ERROR_STATUSES, chargebeeError } from './api.js';

export const CHARGEBEE_WEBHOOKS_DOCS = 'https://apidocs.chargebee.com/docs/api/events';

/** The Basic user name on every endpoint we create; the password is the subscription's secret. */
export const CHARGEBEE_WEBHOOK_USER = 'opentriggers';

/** `Authorization: Basic <base64(user:password)>`, the credentials we gave the endpoint. */
export const CHARGEBEE_BASIC_AUTH: SharedSecretScheme = { kind: 'sharedSecret', header: 'authorization', prefix: 'Basic ' };

export type ChargebeeEventType =
  | 'subscription_created'
  | 'subscription_cancelled'
  | 'payment_succeeded'
  | 'payment_failed'
  | 'invoice_generated'
  | 'customer_created';

const ENDPOINT_ID = /^[A-Za-z0-9_-]{1,100}$/;
const EVENT_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** The secret the subscription verifies with: base64 of `opentriggers:<password>`, as an HTTP Basic header carries it. */
export function basicCredential(password: string): string {
  return Buffer.from(`${CHARGEBEE_WEBHOOK_USER}:${password}`, 'utf8').toString('base64');
}

function endpointIdOf(state: Record<string, unknown>): string | null {
  const id = state.endpointId;
  return typeof id === 'string' && ENDPOINT_ID.test(id) ? id : null;
}

/**
 * The item of one delivery: the event as sent (`{id, occurred_at, source, object: "event", api_version, event_type,
 * webhook_status, content}`), when it is this trigger's event type and has an id. Anything else gives nothing.
 */
export function itemsOf(eventType: ChargebeeEventType, body: unknown): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const e = body as { id?: unknown; event_type?: unknown; occurred_at?: unknown };
  if (e.event_type !== eventType) return [];
  if (typeof e.id !== 'string' || !EVENT_ID.test(e.id)) return [];
  const at = typeof e.occurred_at === 'number' && Number.isFinite(e.occurred_at) ? e.occurred_at * 1000 : undefined;
  return [{ key: e.id, payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
}

/** A name Chargebee shows in Settings → Webhooks: the event type and the end of our hook URL (the subscription). */
function endpointName(eventType: ChargebeeEventType, hookUrl: string): string {
  const tail = new URL(hookUrl).pathname.split('/').filter(Boolean).at(-1) ?? '';
  return `OpenTriggers ${eventType} ${tail.slice(-12)}`.trim().slice(0, 50);
}

async function deleteEndpoint(ctx: { http: WebhookContext['http']; now: () => number }, id: string): Promise<boolean> {
  const res = await ctx.http.request({ method: 'POST', path: `/webhook_endpoints/${encodeURIComponent(id)}/delete`, form: {}, allowStatus: CHARGEBEE_ERROR_STATUSES });
  if (res.status === 404) return false;
  if (res.status >= 400) throw chargebeeError(res, ctx.now());
  return true;
}

export function chargebeeWebhook(eventType: ChargebeeEventType): WebhookSource<Record<string, never>> {
  return {
    kind: 'webhook',
    verification: CHARGEBEE_BASIC_AUTH,
    async register(ctx) {
      const res = await ctx.http.request<{ webhook_endpoint?: { id?: unknown } | null } | null>({
        method: 'POST',
        path: '/webhook_endpoints',
        form: {
          name: endpointName(eventType, ctx.hookUrl),
          url: ctx.hookUrl,
          api_version: 'v2',
          basic_auth_username: CHARGEBEE_WEBHOOK_USER,
          basic_auth_password: ctx.secret,
          'enabled_events[0]': eventType,
        },
        allowStatus: CHARGEBEE_ERROR_STATUSES,
      });
      if (res.status >= 400) throw chargebeeError(res, ctx.now());
      const id = res.body?.webhook_endpoint?.id;
      if (typeof id !== 'string' || !ENDPOINT_ID.test(id)) {
        throw new ProviderError('permanent', 'Chargebee created the webhook endpoint but answered without its id');
      }
      return { state: { endpointId: id }, secret: basicCredential(ctx.secret) };
    },
    async unregister(ctx) {
      const id = endpointIdOf(ctx.state);
      if (!id) return;
      if (!(await deleteEndpoint(ctx, id))) ctx.log.info('Chargebee webhook endpoint was already deleted', { endpointId: id });
    },
    async check(ctx) {
      const id = endpointIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ webhook_endpoint?: { disabled?: unknown } | null } | null>({
        path: `/webhook_endpoints/${encodeURIComponent(id)}`,
        allowStatus: CHARGEBEE_ERROR_STATUSES,
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw chargebeeError(res, ctx.now());
      const endpoint = res.body?.webhook_endpoint;
      if (!endpoint || typeof endpoint !== 'object') throw new ProviderError('transient', 'Chargebee GET webhook endpoint answered without the endpoint');
      return endpoint.disabled === true ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest): Item[] {
      return itemsOf(eventType, inboundJson(req));
    },
  };
}
