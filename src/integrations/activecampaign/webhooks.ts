// ActiveCampaign account webhooks, one per trigger subscription: `POST /api/3/webhooks` with
// `{webhook: {name, url, events, sources, listid?}}` (201 → `{webhook: {id, …}}`), `DELETE /api/3/webhooks/{id}` on
// unsubscribe, `GET /api/3/webhooks/{id}` every hour (`check`: 404 → gone)
// (https://developers.activecampaign.com/reference/webhooks, https://developers.activecampaign.com/reference/create-webhook).
//
// Verification: ActiveCampaign signs nothing and documents no secret, header or handshake for webhooks. The URL we
// register is our per-subscription hook URL plus `?token=<the subscription's fresh random secret>`, checked with
// the SDK's sharedSecret scheme on the `token` query parameter (constant time). The trade-off: the secret travels
// in the URL, so it is as safe as that URL (HTTPS in transit; visible to whoever can read the webhook list of the
// account, and in any log of full URLs along the way). It proves the request knows the URL, not that it came from
// ActiveCampaign, and nothing binds a body to it: one who learned the URL could post forged events to this one
// subscription until it is re-created.
//
// Delivery: "at least once", "never retried" (https://developers.activecampaign.com/page/webhooks). Events carry no
// id: keys are built from the event type, the object, and `date_time` (keyOf).
import { hookUrlWithToken, ProviderError, URL_TOKEN, type Item, type ParameterDefinition, type WebhookSource } from '../../sdk/index.js';
import { activeCampaignError } from './api.js';
import { parseActiveCampaignForm } from './form.js';

/** Every initiator ActiveCampaign names: a contact, an account user, the API, automations and the system. */
export const SOURCES = ['public', 'admin', 'api', 'system'] as const;

export type AcEvent = 'subscribe' | 'unsubscribe' | 'contact_tag_added' | 'deal_add' | 'deal_update';

/** The parsed, nested body of a delivery. */
export type Delivery = Record<string, unknown> & {
  type?: unknown;
  date_time?: unknown;
  list?: unknown;
  contact?: Record<string, unknown>;
  deal?: Record<string, unknown>;
};

export interface AcParams {
  listId?: string;
  tag?: string;
  stageId?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

const numericId = (field: string, what: string) => (value: unknown) =>
  value === undefined || value === null || value === '' || (typeof value === 'string' && /^[1-9]\d{0,17}$/.test(value)) ? null : `${field} must be ${what}: a positive whole number such as 3`;

export const listIdParameter: ParameterDefinition = {
  id: 'listId',
  title: 'List ID',
  type: 'TEXT',
  required: false,
  description: 'Only events on this list (Lists → the list → its id in the address). Leave empty for every list.',
  placeholder: '3',
  validate: numericId('listId', 'an ActiveCampaign list id'),
};

export const tagParameter: ParameterDefinition = {
  id: 'tag',
  title: 'Tag name',
  type: 'TEXT',
  required: false,
  description: 'Only when this tag (its name, case-insensitive) is added. Leave empty for every tag.',
  placeholder: 'Customer',
  validate: (v) => (v === undefined || v === null || v === '' || (typeof v === 'string' && v.trim() !== '' && v.length <= 255) ? null : 'tag must be a tag name (text up to 255 characters)'),
};

export const stageIdParameter: ParameterDefinition = {
  id: 'stageId',
  title: 'Stage ID',
  type: 'TEXT',
  required: false,
  description: 'Only when the deal moves into this stage. Leave empty for every stage change.',
  placeholder: '2',
  validate: numericId('stageId', 'an ActiveCampaign deal stage id'),
};

/** `updated_fields[0]=stage&updated_fields[1]=value` → ['stage', 'value']. */
export function updatedFields(body: Delivery): string[] {
  const raw = body.updated_fields;
  if (raw === null || typeof raw !== 'object') return [];
  return Object.values(raw as Record<string, unknown>).filter((v): v is string => typeof v === 'string');
}

/**
 * The item key, or null when the body lacks what names it. Deals created: the deal id (one creation per deal).
 * Other events: type, object and `date_time` (ActiveCampaign sends no event id; a repeat of the same event carries
 * the same fields). Two events of one kind for one object within the same second share a key.
 */
export function keyOf(body: Delivery): string | null {
  const type = str(body.type);
  const at = str(body.date_time);
  const contact = str(body.contact?.id);
  const deal = str(body.deal?.id);
  switch (type) {
    case 'subscribe':
    case 'unsubscribe':
      return contact && at ? `${type}:${str(body.list) ?? '0'}:${contact}:${at}` : null;
    case 'contact_tag_added': {
      const tag = str(body.tag);
      return contact && tag && at ? `${type}:${contact}:${tag.toLowerCase()}:${at}` : null;
    }
    case 'deal_add':
      return deal ? `deal_add:${deal}` : null;
    case 'deal_update': {
      const stage = str(body.deal?.stageid);
      return deal && stage && at ? `deal_stage:${deal}:${stage}:${at}` : null;
    }
    default:
      return null;
  }
}

export interface WebhookSpec {
  event: AcEvent;
  /** Sent as the webhook's `listid` (ActiveCampaign applies it to list events only). */
  usesList?: boolean;
  /** Whether one parsed delivery is for this subscription beyond its type. */
  matches?(body: Delivery, params: AcParams): boolean;
}

interface WebhookAnswer {
  webhook?: { id?: unknown };
}

export function activeCampaignWebhook(spec: WebhookSpec): WebhookSource<AcParams> {
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    // No redeliveryDays: ActiveCampaign never retries, but it does not say how late an "at least once" repeat may
    // come, and keys are built from the event's fields: keep the markers.
    async register(ctx) {
      const listId = spec.usesList ? ctx.params.listId : undefined;
      const res = await ctx.http.request<WebhookAnswer>({
        method: 'POST',
        path: '/api/3/webhooks',
        json: {
          webhook: {
            name: `OpenTriggers ${spec.event}`.slice(0, 100),
            url: hookUrlWithToken(ctx.hookUrl, ctx.secret),
            events: [spec.event],
            sources: [...SOURCES],
            ...(listId ? { listid: listId } : {}),
          },
        },
        allowStatus: [400, 404, 422],
      });
      if (res.status >= 400) throw activeCampaignError(res, ctx.now());
      const id = str(res.body?.webhook?.id);
      if (!id) throw new ProviderError('permanent', 'ActiveCampaign created the webhook but answered without its id');
      return { state: { webhookId: id } };
    },
    async unregister(ctx) {
      const id = str(ctx.state.webhookId);
      if (!id) return;
      // 404: already deleted in the account's settings.
      await ctx.http.request({ method: 'DELETE', path: `/api/3/webhooks/${encodeURIComponent(id)}`, allowStatus: [404] });
    },
    async check(ctx) {
      const id = str(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request({ path: `/api/3/webhooks/${encodeURIComponent(id)}`, allowStatus: [404] });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw activeCampaignError(res, ctx.now());
      // The webhook object shows no documented active flag: present means active.
      return 'active';
    },
    toItems(req, ctx): Item[] {
      if (req.method.toUpperCase() !== 'POST') return [];
      const body = parseActiveCampaignForm(req.rawBody.toString('utf8')) as Delivery;
      if (str(body.type) !== spec.event) return [];
      if (spec.usesList && ctx.params.listId && str(body.list) !== ctx.params.listId) return [];
      if (spec.matches && !spec.matches(body, ctx.params)) return [];
      const key = keyOf(body);
      return key ? [{ key, payload: body }] : [];
    },
  };
}
