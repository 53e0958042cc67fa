// One Brevo webhook per trigger subscription: `POST /v3/webhooks` with `{type, events: [one event], url,
// description, batched: false, headers: [{key, value}]}` at subscribe time (201 `{id}`), `DELETE /v3/webhooks/{id}` at
// unsubscribe, and `GET /v3/webhooks/{id}` every hour (`check`, ADR 0018): gone (404) or no longer carrying the
// trigger's event (edited in Brevo) makes the engine create it again. An account holds at most 40 webhooks
// (marketing + transactional). https://developers.brevo.com/reference/create-webhook,
// https://developers.brevo.com/docs/how-to-use-webhooks
//
// Verification: Brevo signs nothing. A webhook may carry `auth` (`{type: "bearer", token}`) or custom `headers` that
// Brevo sends with every call (https://developers.brevo.com/docs/secured-webhooks). The subscription's fresh random
// secret goes in a custom header of our own name, whose exact form on the wire we choose, and the sharedSecret
// scheme compares it in constant time. It proves the caller knows the secret Brevo holds for this webhook (or read it
// off the wire or from the account's webhook settings), not what the body says.
//
// Payloads: one JSON event per call (batched: false), `event` naming it in snake case (`delivered`, `hard_bounce`,
// `opened`, `list_addition`, `unsubscribe`), which differs from the names used to register (`hardBounce`,
// `listAddition`, `unsubscribed`). https://developers.brevo.com/docs/transactional-webhooks,
// https://developers.brevo.com/docs/marketing-webhooks
import { ProviderError, type InboundRequest, type Item, type SharedSecretScheme, type WebhookSource } from '../../sdk/index.js';
import { brevoCall } from './api.js';

/** The custom header Brevo sends back with every call of the webhook, holding the subscription's secret. */
export const SECRET_HEADER = 'x-opentriggers-secret';

export const BREVO_VERIFICATION: SharedSecretScheme = { kind: 'sharedSecret', header: SECRET_HEADER };

export interface BrevoEventSpec {
  /** The webhook type the event belongs to. */
  type: 'transactional' | 'marketing';
  /** The event name Brevo's Create a webhook takes. */
  register: string;
  /** The `event` values a call of that event carries (the documented one first). */
  payloadEvents: readonly string[];
}

export interface BrevoParams {
  /** CONTACT_ADDED_TO_LIST: only additions to this list id. */
  listId?: string;
  /** Transactional triggers: only messages sent with this tag. */
  tag?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The time of an event, in seconds: `ts_event`, else `ts_epoch` (ms), else `ts`. */
function eventSeconds(e: Record<string, unknown>): number | null {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  const tsEvent = n(e.ts_event);
  if (tsEvent !== null) return Math.floor(tsEvent);
  const epoch = n(e.ts_epoch);
  // ts_epoch is documented in milliseconds, but the published examples show seconds: take either.
  if (epoch !== null) return Math.floor(epoch > 1e11 ? epoch / 1000 : epoch);
  const ts = n(e.ts);
  return ts !== null ? Math.floor(ts) : null;
}

/** The list ids of a call (`list_id` is an array of integers; a lone value is accepted). */
export function listIds(e: Record<string, unknown>): string[] {
  const raw = Array.isArray(e.list_id) ? e.list_id : e.list_id !== undefined ? [e.list_id] : [];
  return raw.filter((v) => (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^[0-9]{1,12}$/.test(v))).map(String);
}

/**
 * The item key of one call, the same when Brevo sends it again:
 * - a message event (transactional, or a campaign event with a `message-id`): message id, event, and time;
 * - otherwise (list addition, campaign unsubscribe): event, recipient (lower case), campaign id, list ids, and time.
 * Null when the call lacks what identifies the event (ignored rather than keyed loosely).
 */
export function eventKey(e: Record<string, unknown>): string | null {
  const event = typeof e.event === 'string' && e.event !== '' ? e.event : null;
  const at = eventSeconds(e);
  if (!event || at === null) return null;
  const messageId = e['message-id'];
  if (typeof messageId === 'string' && messageId !== '') return `${messageId}|${event}|${at}`;
  const email = typeof e.email === 'string' && e.email !== '' ? e.email.toLowerCase() : null;
  if (!email) return null;
  const campaign = typeof e.camp_id === 'number' || typeof e.camp_id === 'string' ? String(e.camp_id) : '';
  return `${event}|${email}|${campaign}|${listIds(e).sort().join(',')}|${at}`;
}

/** The tags of a transactional call (`tags`: array of strings; `tag`: one string). */
function tagsOf(e: Record<string, unknown>): string[] {
  const tags = Array.isArray(e.tags) ? e.tags.filter((t): t is string => typeof t === 'string') : [];
  return typeof e.tag === 'string' && e.tag !== '' ? [...tags, e.tag] : tags;
}

/** The events of one call: a single JSON object, or an array of them should the webhook be batched. */
function eventsOf(req: InboundRequest): Array<Record<string, unknown>> {
  let body: unknown = req.body;
  if (!isObject(body) && !Array.isArray(body)) {
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return [];
    }
  }
  if (Array.isArray(body)) return body.filter(isObject);
  return isObject(body) ? [body] : [];
}

/** The items of one call for one trigger: its event only, filtered by the trigger's parameters, keyed by eventKey. */
export function eventsToItems(spec: BrevoEventSpec, req: InboundRequest, params: BrevoParams): Item[] {
  const items: Item[] = [];
  for (const e of eventsOf(req)) {
    if (typeof e.event !== 'string' || !spec.payloadEvents.includes(e.event)) continue;
    if (params.listId && !listIds(e).includes(params.listId)) continue;
    if (params.tag && !tagsOf(e).includes(params.tag)) continue;
    const key = eventKey(e);
    if (!key) continue;
    items.push({ key, payload: e, occurredAt: eventSeconds(e)! * 1000 });
  }
  return items;
}

interface BrevoWebhook {
  id?: unknown;
  events?: unknown;
}

function webhookId(state: Record<string, unknown>): string | null {
  const id = state.webhookId;
  return typeof id === 'string' && /^[0-9]{1,18}$/.test(id) ? id : null;
}

export function brevoWebhook(triggerType: string, spec: BrevoEventSpec): WebhookSource<BrevoParams> {
  return {
    kind: 'webhook',
    verification: BREVO_VERIFICATION,
    // No redeliveryDays: how long Brevo may send a call again is not documented; a marker kept costs a few hundred
    // bytes, a marker missing a duplicate (ADR 0016).
    async register(ctx) {
      const body = {
        type: spec.type,
        events: [spec.register],
        url: ctx.hookUrl,
        description: `OpenTriggers ${triggerType}`,
        batched: false,
        headers: [{ key: SECRET_HEADER, value: ctx.secret }],
      };
      const res = await brevoCall<{ id?: unknown }>(ctx, 'creating the webhook', { method: 'POST', path: '/webhooks', json: body });
      const id = res?.id;
      if (!(typeof id === 'number' && Number.isSafeInteger(id) && id > 0) && !(typeof id === 'string' && /^[0-9]{1,18}$/.test(id))) {
        throw new ProviderError('permanent', 'Brevo created the webhook but answered without its id');
      }
      return { state: { webhookId: String(id), type: spec.type, event: spec.register } };
    },
    async unregister(ctx) {
      const id = webhookId(ctx.state);
      if (!id) return;
      // 404: already deleted in Brevo.
      await brevoCall(ctx, 'deleting the webhook', { method: 'DELETE', path: `/webhooks/${id}` }, { missingOk: true });
    },
    async check(ctx) {
      const id = webhookId(ctx.state);
      if (!id) return 'gone';
      const hook = await brevoCall<BrevoWebhook>(ctx, 'reading the webhook', { path: `/webhooks/${id}` }, { missingOk: true });
      if (!hook) return 'gone';
      // Edited in Brevo so that it no longer sends the trigger's event: delete it and create ours again.
      if (Array.isArray(hook.events) && !hook.events.includes(spec.register)) return 'inactive';
      return 'active';
    },
    deliveryId(req) {
      const first = eventsOf(req)[0];
      return first ? (eventKey(first) ?? undefined) : undefined;
    },
    toItems(req, ctx) {
      return eventsToItems(spec, req, ctx.params);
    },
  };
}
