// Zoho Desk webhooks, one per trigger subscription (https://desk.zoho.com/support/WebhookDocument.do):
// `POST /webhooks` with `{url, name, subscriptions: {<Event>: null | {departmentIds?, includePrevState?}}}` → the
// webhook with its `id`; `DELETE /webhooks/{id}` on unsubscribe; `GET /webhooks/{id}` every hour (`check`: 404 →
// gone, `isEnabled: false` — Zoho Desk disables webhooks beyond the edition's allowance, e.g. after a downgrade — →
// inactive, and the engine creates a new one). Scope `Desk.events.ALL`; only users whose profile has the Webhook
// permission may create webhooks, and Free/Standard editions have none (a refusal is reported at subscribe time).
//
// Verification. Zoho Desk signs nothing and takes no secret for its webhooks, so the URL we register carries the
// subscription's fresh random secret (`?token=`, checked in constant time: URL_TOKEN). See docs/integrations/zohoDesk.md
// for what that proves.
//
// Deliveries: a JSON array of events `{eventType, eventTime, orgId, payload, prevState?}` where `payload` is the
// ticket, contact or comment as the API shows it and `prevState` (Ticket_Update with includePrevState) the fields
// before the change. Events are delivered as received. Keys: see keyOf.
import { hookUrlWithToken, inboundJson, ProviderError, URL_TOKEN, type InboundRequest, type Item, type ParameterDefinition, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { ALLOWED, deskBase, deskError, orgIdOf } from './api.js';

/** The Zoho Desk webhook events our triggers use. */
export type DeskEventType = 'Ticket_Add' | 'Ticket_Update' | 'Ticket_Comment_Add' | 'Contact_Add';

/** What a trigger keeps of its event type. */
export type DeskTriggerKind = 'created' | 'updated' | 'statusChanged';

export interface DeskParams {
  departmentIds?: string;
}

export type DeskEvent = Record<string, unknown> & { eventType?: unknown; eventTime?: unknown; orgId?: unknown; payload?: unknown; prevState?: unknown };

const ID = /^[0-9]{1,30}$/;
const idOf = (v: unknown): string | null => {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  return typeof s === 'string' && ID.test(s) ? s : null;
};

/** The department ids of the parameter: comma-separated digits, or none. */
export function departmentIdsOf(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value !== 'string') return ['invalid'];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const departmentIdsParameter: ParameterDefinition = {
  id: 'departmentIds',
  title: 'Department IDs',
  type: 'TEXT',
  required: false,
  description: 'Only events of these departments: Zoho Desk department ids separated by commas (GET /api/v1/departments, or Setup → Departments). Default: every department the connected user can see.',
  placeholder: '1892000000082069, 1892000000006907',
  validate: (value) => {
    const ids = departmentIdsOf(value);
    return ids.every((id) => ID.test(id)) && ids.length <= 50 ? null : 'departmentIds must be Zoho Desk department ids (digits) separated by commas';
  },
};

const payloadOf = (event: DeskEvent): Record<string, unknown> | null => (event.payload && typeof event.payload === 'object' && !Array.isArray(event.payload) ? (event.payload as Record<string, unknown>) : null);

/** The version of an object: its modifiedTime, else the event's time. */
function versionOf(event: DeskEvent): string | null {
  const p = payloadOf(event);
  const modified = p && typeof p.modifiedTime === 'string' && p.modifiedTime !== '' ? p.modifiedTime : null;
  if (modified) return modified;
  return typeof event.eventTime === 'string' || typeof event.eventTime === 'number' ? String(event.eventTime) : null;
}

/** Did a Ticket_Update change the status? Needs prevState (asked for with includePrevState). */
export function statusChanged(event: DeskEvent): boolean {
  const p = payloadOf(event);
  const prev = event.prevState && typeof event.prevState === 'object' ? (event.prevState as Record<string, unknown>) : null;
  return !!p && !!prev && 'status' in prev && typeof p.status === 'string' && prev.status !== p.status;
}

/**
 * The item key of one event, or null when it lacks what names it. An object is created once (event + id); an update is
 * the event, the id and the object's modifiedTime (Zoho Desk retries the same event with the same values); a status
 * change adds the status reached.
 */
export function keyOf(kind: DeskTriggerKind, event: DeskEvent): string | null {
  const type = typeof event.eventType === 'string' ? event.eventType : null;
  const id = idOf(payloadOf(event)?.id);
  if (!type || !id) return null;
  if (kind === 'created') return `${type}:${id}`;
  const version = versionOf(event);
  if (!version) return null;
  if (kind === 'updated') return `${type}:${id}:${version}`;
  return `status:${id}:${version}:${String(payloadOf(event)!.status)}`;
}

/** The events of a delivery: Zoho Desk posts an array; a single object is accepted too. */
export function eventsOf(req: InboundRequest): DeskEvent[] {
  let body: unknown = Array.isArray(req.body) ? req.body : inboundJson(req);
  if (body === null) {
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return [];
    }
  }
  const list = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
  return list.filter((e): e is DeskEvent => !!e && typeof e === 'object' && !Array.isArray(e));
}

function occurredAt(event: DeskEvent): Record<string, number> {
  const raw = event.eventTime;
  const at = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : typeof raw === 'string' ? Date.parse(raw) : NaN;
  return Number.isFinite(at) ? { occurredAt: at } : {};
}

/** The `subscriptions` object of the webhook we create. */
export function subscriptionsFor(eventType: DeskEventType, kind: DeskTriggerKind, params: DeskParams): Record<string, unknown> {
  const departmentIds = eventType === 'Contact_Add' ? [] : departmentIdsOf(params.departmentIds);
  const options: Record<string, unknown> = {
    ...(departmentIds.length > 0 ? { departmentIds } : {}),
    ...(kind !== 'created' && eventType === 'Ticket_Update' ? { includePrevState: true } : {}),
  };
  return { [eventType]: Object.keys(options).length > 0 ? options : null };
}

export function deskWebhook(eventType: DeskEventType, kind: DeskTriggerKind): WebhookSource<DeskParams> {
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    // No redeliveryDays: Zoho Desk does not document how long it retries a failed delivery.
    async register(ctx) {
      orgIdOf(ctx.credential);
      const base = deskBase(ctx.credential.extra);
      const json = {
        url: hookUrlWithToken(ctx.hookUrl, ctx.secret),
        name: `OpenTriggers ${eventType} ${ctx.now()}`.slice(0, 100),
        description: 'Created by OpenTriggers for one trigger subscription; deleted when it ends.',
        subscriptions: subscriptionsFor(eventType, kind, ctx.params),
      };
      const res = await ctx.http.request<Record<string, unknown>>({ method: 'POST', path: `${base}/webhooks`, json, allowStatus: ALLOWED });
      if (res.status >= 400) throw deskError(res, `creating the ${eventType} webhook`, ctx.now());
      const id = idOf(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Zoho Desk created the webhook but answered without its id');
      return { state: { webhookId: id } };
    },
    async unregister(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return;
      orgIdOf(ctx.credential);
      // 404: already deleted in Zoho Desk (or removed by Zoho after our endpoint answered 410).
      const res = await ctx.http.request({ method: 'DELETE', path: `${deskBase(ctx.credential.extra)}/webhooks/${id}`, allowStatus: ALLOWED });
      if (res.status >= 400 && res.status !== 404) throw deskError(res, `deleting webhook ${id}`, ctx.now());
    },
    async check(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return 'gone';
      orgIdOf(ctx.credential);
      const res = await ctx.http.request<Record<string, unknown>>({ path: `${deskBase(ctx.credential.extra)}/webhooks/${id}`, allowStatus: ALLOWED });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw deskError(res, `reading webhook ${id}`, ctx.now());
      return res.body?.isEnabled === false ? 'inactive' : 'active';
    },
    deliveryId: (req) => {
      const first = eventsOf(req)[0];
      if (!first) return undefined;
      const id = idOf(payloadOf(first)?.id);
      return [first.eventType, id, first.eventTime].filter((v) => typeof v === 'string' || typeof v === 'number').join(':') || undefined;
    },
    toItems(req: InboundRequest, ctx: WebhookContext<DeskParams>): Item[] {
      if (req.method.toUpperCase() !== 'POST') return [];
      const org = idOf(ctx.credential.extra.orgId);
      const items: Item[] = [];
      for (const event of eventsOf(req)) {
        if (event.eventType !== eventType) continue;
        // An event of another help desk is not for this credential.
        if (org && event.orgId !== undefined && idOf(event.orgId) !== org) continue;
        if (kind === 'statusChanged' && !statusChanged(event)) continue;
        const key = keyOf(kind, event);
        if (!key || items.some((i) => i.key === key)) continue;
        items.push({ key, payload: event, ...occurredAt(event) });
      }
      return items;
    },
  };
}
