// Eventbrite webhooks, one per trigger subscription: `POST /organizations/{organization_id}/webhooks/` with
// `{endpoint_url, actions, event_id?}` (→ the webhook with its `id`), `DELETE /webhooks/{id}/` on unsubscribe,
// `GET /webhooks/{id}/` every hour (`check`: 404 → gone; Eventbrite also drops a webhook itself when the endpoint
// answers 410 Gone) (https://www.eventbrite.com/platform/api#/reference/webhooks,
// https://www.eventbrite.com/platform/docs/webhooks).
//
// Deliveries are `{config: {action, user_id, endpoint_url, webhook_id}, api_url}`: the action and the address of the
// object, nothing else. We read the object back with the subscription's token. The api_url is never requested as given:
// only its path is matched against the resource the action documents (`…/v3/orders/{id}/`, `…/v3/events/{id}/`,
// `…/v3/events/{event}/attendees/{id}/`), and the ids found are requested relative to the configured apiBaseUrl. So
// a delivery can neither send the token to another host nor make us call anything but that one read (ADR 0027).
//
// Verification: Eventbrite signs nothing and documents no secret or signature header; its docs only advise a
// "private, unpublished" URL. The endpoint URL we register is our per-subscription hook URL plus
// `?token=<the subscription's fresh random secret>`, checked with the SDK's sharedSecret scheme on the `token` query
// parameter (constant time). The trade-off: the secret is as safe as that URL — HTTPS in transit, but readable by
// anyone who can list the organization's webhooks and in any log of full URLs. It proves the sender knows the URL, not
// that it is Eventbrite. A forger who learned it still cannot inject content: every delivered payload is what
// Eventbrite's API answers for the named object, read with our token from the configured host; at most they can make
// us re-read (and deliver once) a real object of this organization.
import { hookUrlWithToken, ProviderError, URL_TOKEN, inboundJson, type Item, type ParameterDefinition, type WebhookSource } from '../../sdk/index.js';
import { eventbriteError, idOf } from './api.js';

export interface EventbriteParams {
  organizationId?: string;
  eventId?: string;
}

/** The Eventbrite webhook actions our triggers use (the documented `actions` values). */
export type EventbriteAction = 'order.placed' | 'attendee.updated' | 'attendee.checked_in' | 'event.created' | 'event.published';

/** What each action's api_url points at. */
type Resource = 'order' | 'attendee' | 'event';
const RESOURCE_OF: Record<EventbriteAction, Resource> = {
  'order.placed': 'order',
  'attendee.updated': 'attendee',
  'attendee.checked_in': 'attendee',
  'event.created': 'event',
  'event.published': 'event',
};

const numeric = (field: string, what: string) => (value: unknown) => {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' && /^[1-9]\d{0,24}$/.test(value.trim()) ? null : `${field} must be ${what}: a positive whole number such as 123456789012`;
};

export const organizationIdParameter: ParameterDefinition = {
  id: 'organizationId',
  title: 'Organization ID',
  type: 'TEXT',
  required: false,
  description: 'The Eventbrite organization to watch. Leave empty for the one found when the account was connected (the first of GET /users/me/organizations/).',
  placeholder: '123456789012',
  validate: numeric('organizationId', 'an Eventbrite organization id'),
};

export const eventIdParameter: ParameterDefinition = {
  id: 'eventId',
  title: 'Event ID',
  type: 'TEXT',
  required: false,
  description: "Only this event (the number at the end of the event's eventbrite.com address). Leave empty for every event of the organization.",
  placeholder: '769789610447',
  validate: numeric('eventId', 'an Eventbrite event id'),
};

/**
 * The API path (relative to apiBaseUrl) of the object an api_url names, or null when it is not the resource the
 * action documents. The host is ignored on purpose: the read always goes to the configured apiBaseUrl.
 */
export function resourcePath(action: EventbriteAction, apiUrl: unknown): string | null {
  if (typeof apiUrl !== 'string') return null;
  let path: string;
  try {
    path = new URL(apiUrl).pathname;
  } catch {
    return null;
  }
  const resource = RESOURCE_OF[action];
  const m =
    resource === 'order'
      ? /\/v3\/orders\/([1-9]\d{0,24})\/?$/.exec(path)
      : resource === 'event'
        ? /\/v3\/events\/([1-9]\d{0,24})\/?$/.exec(path)
        : /\/v3\/events\/([1-9]\d{0,24})\/attendees\/([1-9]\d{0,24})\/?$/.exec(path);
  if (!m) return null;
  return resource === 'order' ? `/orders/${m[1]}/` : resource === 'event' ? `/events/${m[1]}/` : `/events/${m[1]}/attendees/${m[2]}/`;
}

type Obj = Record<string, unknown>;

/** The item key of a read-back object for this action, or null when it lacks what names it. */
export function keyOf(action: EventbriteAction, obj: Obj): string | null {
  const id = idOf(obj.id);
  if (!id) return null;
  const version = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  switch (action) {
    case 'order.placed':
    case 'event.created':
      return `${action}:${id}`;
    case 'event.published': {
      // An event unpublished and published again is published anew: key by its `published` time when given.
      const at = version(obj.published);
      return at ? `${action}:${id}:${at}` : `${action}:${id}`;
    }
    case 'attendee.updated':
    case 'attendee.checked_in': {
      const changed = version(obj.changed);
      return changed ? `${action}:${id}:${changed}` : null;
    }
  }
}

/** The event an object belongs to (an event is its own). */
const eventOf = (action: EventbriteAction, obj: Obj): string | null => (RESOURCE_OF[action] === 'event' ? idOf(obj.id) : idOf(obj.event_id));

/** Whether the object says it happened (a check-in: the attendee is `checked_in`). */
function matches(action: EventbriteAction, obj: Obj): boolean {
  if (action === 'attendee.checked_in') return obj.checked_in === true;
  return true;
}

/** The organization to register in: the parameter, or the one stored at connect. */
export function organizationOf(params: EventbriteParams, extra: Record<string, unknown>): string {
  const org = params.organizationId?.trim() || idOf(extra.organizationId);
  if (!org) throw new ProviderError('permanent', 'organizationId is required: this Eventbrite account had no organization at connect time; give the organization id');
  return org;
}

export function eventbriteWebhook(action: EventbriteAction): WebhookSource<EventbriteParams> {
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    async register(ctx) {
      const org = organizationOf(ctx.params, ctx.credential.extra);
      const eventId = ctx.params.eventId?.trim();
      const res = await ctx.http.request<{ id?: unknown }>({
        method: 'POST',
        path: `/organizations/${encodeURIComponent(org)}/webhooks/`,
        json: { endpoint_url: hookUrlWithToken(ctx.hookUrl, ctx.secret), actions: action, ...(eventId ? { event_id: eventId } : {}) },
        allowStatus: [400, 403, 404],
      });
      if (res.status >= 400) throw eventbriteError(res, `creating the webhook in organization ${org}`, ctx.now());
      const id = idOf(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Eventbrite created the webhook but answered without its id');
      return { state: { webhookId: id, organizationId: org } };
    },
    async unregister(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return;
      // 404: already deleted in Eventbrite (or dropped after a 410).
      await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}/`, allowStatus: [404] });
    },
    async check(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request({ path: `/webhooks/${id}/`, allowStatus: [403, 404] });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw eventbriteError(res, `reading webhook ${id}`, ctx.now());
      return 'active';
    },
    deliveryId: (req) => {
      const body = inboundJson(req);
      const webhookId = idOf((body?.config as Obj | undefined)?.webhook_id);
      const apiUrl = typeof body?.api_url === 'string' ? body.api_url : '';
      return webhookId ? `${webhookId}:${apiUrl}`.slice(0, 200) : undefined;
    },
    async toItems(req, ctx): Promise<Item[]> {
      if (req.method.toUpperCase() !== 'POST') return [];
      const body = inboundJson(req);
      const config = body?.config as Obj | undefined;
      // Eventbrite's "Test" button posts `action: "test"`; other actions are not this trigger's.
      if (!body || config?.action !== action) return [];
      const webhookId = idOf(config.webhook_id);
      const ours = idOf(ctx.state.webhookId);
      if (webhookId && ours && webhookId !== ours) return [];
      const path = resourcePath(action, body.api_url);
      if (!path) {
        ctx.log.warn('eventbrite delivery without a recognised api_url; ignored', { action });
        return [];
      }
      const res = await ctx.http.request<Obj>({ path, allowStatus: [403, 404] });
      // Deleted since, or no longer visible to this account: nothing to deliver.
      if (res.status === 404 || res.status === 403) return [];
      const obj = res.body && typeof res.body === 'object' && !Array.isArray(res.body) ? res.body : null;
      if (!obj || !matches(action, obj)) return [];
      const eventId = ctx.params.eventId?.trim();
      if (eventId && eventOf(action, obj) !== eventId) return [];
      const key = keyOf(action, obj);
      if (!key) return [];
      const when = typeof obj.changed === 'string' ? Date.parse(obj.changed) : typeof obj.created === 'string' ? Date.parse(obj.created) : NaN;
      return [{ key, payload: { action, ...obj }, ...(Number.isFinite(when) ? { occurredAt: when } : {}) }];
    },
  };
}
