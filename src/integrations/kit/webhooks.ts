// Kit webhook endpoints (API v4), one per trigger subscription: `POST /v4/webhook_endpoints`
// {url, events: [the trigger's event type], name, description}. Kit generates the signing secret and returns it in
// plaintext only in that answer, so `register` hands it to the engine as the subscription's secret. Deleted on
// unsubscribe (`DELETE /v4/webhook_endpoints/{id}` → 204, 404 tolerated); read every hour (`check`, `GET …/{id}`):
// 404 → created again, `status: "disabled"` → deleted and created again.
//
// Webhook endpoints supersede the legacy `/v4/webhooks` resource (unsigned, one event per hook, `form_id`/`tag_id`
// filters on Kit's side); the legacy resource is not being removed, but Kit asks new integrations to use endpoints,
// which sign and retry deliveries. Form and tag filters are therefore applied here, on the event's `data`.
//
// Verification: `X-Kit-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each v1 the hex HMAC-SHA256 of
// `<t>.<raw body>` keyed with the endpoint's secret (one v1 per valid secret during rotation). Retries are re-signed
// at send time, so a 300 s tolerance holds for late retries too
// (https://developers.kit.com/webhooks/verifying-signatures).
//
// Deliveries: `{delivery_id, events: [{id, type, created, data}, …]}` with 1–100 events of one type
// (https://developers.kit.com/webhooks/delivery-format). Each event is one item keyed by its UUID `id`, which Kit
// documents for deduplication. No `redeliveryDays`: retries run about 41 hours, but how long a re-emit may repeat
// an id is not documented.
import { ProviderError, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { KIT_ERROR_STATUSES, kitError } from './api.js';

export const KIT_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-kit-signature',
  encoding: 'hex',
  signingString: '{timestamp}.{body}',
  toleranceSeconds: 300,
  secretEncoding: 'utf8',
  structuredHeader: { timestampKey: 't', signatureKey: 'v1', pairSeparator: ',', kvSeparator: '=' },
};

export const KIT_WEBHOOKS_DOCS = 'https://developers.kit.com/webhooks/overview';

export type KitEventType =
  | 'subscriber.created'
  | 'subscriber.activated'
  | 'subscriber.unsubscribed'
  | 'subscriber.subscribed_to_form'
  | 'subscriber.tag_added';

/** A trigger's optional filter: only events whose `data[resource].id` is the parameter's value. */
export interface KitFilter {
  param: 'formId' | 'tagId';
  resource: 'form' | 'tag';
}

export interface KitParams {
  formId?: string | number;
  tagId?: string | number;
}

const RESOURCE_ID = /^[1-9]\d{0,15}$/;
const ENDPOINT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The filter parameter as digits, or null for every event. Throws naming the field. */
export function filterIdOf(params: KitParams, filter: KitFilter | undefined): string | null {
  if (!filter) return null;
  const value = params[filter.param];
  if (value === undefined || value === null || value === '') return null;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!RESOURCE_ID.test(text)) throw new ProviderError('permanent', `${filter.param}: must be a Kit ${filter.resource} id (a positive whole number, e.g. 1234)`);
  return text;
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value !== '') return value;
  return null;
}

/** The endpoint in a create/get answer: `{webhook_endpoint: {…}}`, or the object itself. */
function endpointOf(body: unknown): { id: string | null; secret: string | null; status: unknown } | null {
  if (!body || typeof body !== 'object') return null;
  const outer = body as { webhook_endpoint?: unknown };
  const e = (outer.webhook_endpoint && typeof outer.webhook_endpoint === 'object' ? outer.webhook_endpoint : body) as { id?: unknown; secret?: unknown; status?: unknown };
  const secret = typeof e.secret === 'string' && e.secret !== '' ? e.secret : typeof (body as { secret?: unknown }).secret === 'string' ? ((body as { secret: string }).secret || null) : null;
  return { id: idText(e.id), secret, status: e.status };
}

function endpointIdOf(state: Record<string, unknown>): string | null {
  const id = state.endpointId;
  return typeof id === 'string' && ENDPOINT_ID.test(id) ? id : null;
}

/**
 * The items of one delivery: each event of this trigger's type (and, with a filter, of that form or tag), keyed by
 * the event's UUID. Other types, events without an id and non-envelopes give nothing.
 */
export function itemsOf(type: KitEventType, body: unknown, onlyId: string | null = null, filter?: KitFilter): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events)) return [];
  const items: Item[] = [];
  for (const event of events) {
    if (!event || typeof event !== 'object') continue;
    const e = event as { id?: unknown; type?: unknown; created?: unknown; data?: unknown };
    if (e.type !== type || typeof e.id !== 'string' || e.id === '') continue;
    if (onlyId && filter) {
      const data = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
      const resource = data[filter.resource];
      const rid = resource && typeof resource === 'object' ? idText((resource as { id?: unknown }).id) : null;
      if (rid !== onlyId) continue;
    }
    const at = typeof e.created === 'string' ? Date.parse(e.created) : Number.NaN;
    items.push({ key: e.id, payload: event, ...(Number.isFinite(at) ? { occurredAt: at } : {}) });
  }
  return items;
}

export function kitWebhook(type: KitEventType, filter?: KitFilter): WebhookSource<KitParams> {
  return {
    kind: 'webhook',
    verification: KIT_SIGNATURE,
    async register(ctx) {
      const onlyId = filterIdOf(ctx.params, filter);
      const res = await ctx.http.request({
        method: 'POST',
        path: '/webhook_endpoints',
        json: {
          url: ctx.hookUrl,
          events: [type],
          name: `OpenTriggers ${type}`,
          description: onlyId && filter ? `OpenTriggers subscription (${type}, ${filter.resource} ${onlyId})` : `OpenTriggers subscription (${type})`,
        },
        allowStatus: KIT_ERROR_STATUSES,
      });
      if (res.status >= 400) throw kitError(res, ctx.now());
      const created = endpointOf(res.body);
      if (!created?.id || !ENDPOINT_ID.test(created.id) || !created.secret) {
        throw new ProviderError('permanent', 'Kit created the webhook endpoint but answered without its id or secret');
      }
      return { state: { endpointId: created.id, ...(onlyId ? { filterId: onlyId } : {}) }, secret: created.secret };
    },
    async unregister(ctx) {
      const id = endpointIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhook_endpoints/${encodeURIComponent(id)}`, allowStatus: KIT_ERROR_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Kit webhook endpoint was already deleted', { endpointId: id });
        return;
      }
      if (res.status >= 400) throw kitError(res, ctx.now());
    },
    async check(ctx) {
      const id = endpointIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request({ path: `/webhook_endpoints/${encodeURIComponent(id)}`, allowStatus: KIT_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw kitError(res, ctx.now());
      const endpoint = endpointOf(res.body);
      if (!endpoint) throw new ProviderError('transient', 'Kit GET webhook endpoint answered without the endpoint');
      return endpoint.status === 'disabled' ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest, ctx: WebhookContext<KitParams>): Item[] {
      const filterId = typeof ctx.state?.filterId === 'string' ? ctx.state.filterId : null;
      return itemsOf(type, inboundJson(req), filterId, filter);
    },
  };
}
