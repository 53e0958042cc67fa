// Attio webhooks, one per trigger subscription (https://docs.attio.com/rest-api/guides/webhooks):
// `POST /webhooks` `{data: {target_url, subscriptions: [{event_type, filter}]}}` answers the webhook with its
// `id.webhook_id` and a `secret` Attio chose, stored as the subscription's secret. `DELETE /webhooks/{id}` on
// unsubscribe; `GET /webhooks/{id}` every hour (`check`): 404 → gone; `inactive` or `degraded` (Attio's state
// after ~3 days of failed retries) → re-created.
//
// Verification: `Attio-Signature` is the hex HMAC-SHA256 of the raw body, keyed with the webhook's secret.
// Attio signs no timestamp, so a replay cannot be refused by age; item keys make a replay deliver nothing new.
//
// Attio's events are thin — ids and the actor only — so `toItems` reads the record, note, task or list entry
// back and delivers `{webhook_id, event, <record|note|task|entry>}` (null when it was deleted meanwhile).
//
// Keys: the created object's id for "created" triggers; for record.updated (no version in the event)
// `{record_id}:{attribute_id}:{Idempotency-Key}` — Attio's header is "different for each message, but the same
// between retries and redeliveries". No `redeliveryDays`: items are read back, not taken from the request alone.
import { inboundHeader, inboundJson, ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { ATTIO_ERROR_STATUSES, attioError, idOf, readData, resolveObject } from './api.js';

export const attioSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'attio-signature',
  alternateHeaders: ['x-attio-signature'],
  encoding: 'hex',
  signingString: '{body}',
};

/** One event of a delivery: `{event_type, id: {workspace_id, …ids}, parent_object_id?, parent_record_id?, actor}`. */
export interface AttioEvent {
  event_type?: unknown;
  id?: Record<string, unknown> | null;
  parent_object_id?: unknown;
  parent_record_id?: unknown;
  actor?: unknown;
}

export type AttioParams = { object?: string };

export interface AttioWebhookSpec {
  eventType: 'record.created' | 'record.updated' | 'note.created' | 'task.created' | 'list-entry.created';
  /** Where the read-back object goes in the delivered payload. */
  field: 'record' | 'note' | 'task' | 'entry';
  /** The trigger takes an `object` parameter: the webhook is filtered to that object's events. */
  perObject?: boolean;
  /** The item key, or null when the event lacks what it needs. */
  keyOf(event: AttioEvent, idempotencyKey: string | undefined): string | null;
  /** The API path reading the event's object back, or null when an id is missing. */
  readPath(event: AttioEvent): string | null;
}

const enc = encodeURIComponent;

export function attioEvents(req: InboundRequest): AttioEvent[] {
  const events = inboundJson(req)?.events;
  return Array.isArray(events) ? events.filter((e): e is AttioEvent => !!e && typeof e === 'object' && !Array.isArray(e)) : [];
}

export function attioIdempotencyKey(req: InboundRequest): string | undefined {
  return inboundHeader(req, 'idempotency-key');
}

function webhookIdOf(body: unknown): string | null {
  const data = body && typeof body === 'object' ? (body as { data?: { id?: { webhook_id?: unknown } } }).data : undefined;
  return idOf(data?.id?.webhook_id);
}

export function attioWebhook(spec: AttioWebhookSpec): WebhookSource<AttioParams> {
  return {
    kind: 'webhook',
    verification: attioSignatureScheme,
    async register(ctx) {
      let state: Record<string, unknown> = {};
      let filter: unknown = null;
      if (spec.perObject) {
        const object = ctx.params.object ?? '';
        const { objectId, apiSlug } = await resolveObject(ctx.http, object, ctx.now());
        // Attio filters on the event's own fields, nested with dots ("actor.type" in its guide).
        filter = { $and: [{ field: 'id.object_id', operator: 'equals', value: objectId }] };
        state = { objectId, objectSlug: apiSlug };
      }
      const res = await ctx.http.request<{ data?: { secret?: unknown } }>({
        method: 'POST',
        path: '/webhooks',
        json: { data: { target_url: ctx.hookUrl, subscriptions: [{ event_type: spec.eventType, filter }] } },
        allowStatus: ATTIO_ERROR_STATUSES,
      });
      if (res.status >= 400) throw attioError(res, ctx.now());
      const webhookId = webhookIdOf(res.body);
      const secret = idOf(res.body?.data?.secret);
      if (!webhookId || !secret) throw new ProviderError('permanent', 'Attio created the webhook but answered without its id or secret');
      return { state: { ...state, webhookId }, secret };
    },
    async unregister(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${enc(id)}`, allowStatus: ATTIO_ERROR_STATUSES });
      // 404: already deleted in Attio.
      if (res.status >= 400 && res.status !== 404) throw attioError(res, ctx.now());
    },
    async check(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ data?: { status?: unknown } }>({ path: `/webhooks/${enc(id)}`, allowStatus: ATTIO_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw attioError(res, ctx.now());
      const status = res.body?.data?.status;
      return status === 'inactive' || status === 'degraded' ? 'inactive' : 'active';
    },
    deliveryId: attioIdempotencyKey,
    async toItems(req, ctx: WebhookContext<AttioParams>): Promise<Item[]> {
      const idem = attioIdempotencyKey(req);
      const objectId = idOf(ctx.state.objectId);
      const items: Item[] = [];
      for (const event of attioEvents(req)) {
        if (event.event_type !== spec.eventType) continue;
        if (objectId && event.id?.object_id !== objectId) continue;
        const key = spec.keyOf(event, idem);
        const path = spec.readPath(event);
        if (!key || !path) {
          ctx.log.warn('attio event without the ids it needs; ignored', { eventType: spec.eventType, hasIdempotencyKey: idem !== undefined });
          continue;
        }
        const data = await readData(ctx.http, path, ctx.now());
        items.push({ key, payload: { webhook_id: inboundJson(req)?.webhook_id ?? null, event, [spec.field]: data } });
      }
      return items;
    },
  };
}

/** Read-back paths (https://docs.attio.com/rest-api/endpoint-reference). */
export const readPaths = {
  record: (e: AttioEvent) => {
    const o = idOf(e.id?.object_id);
    const r = idOf(e.id?.record_id);
    return o && r ? `/objects/${enc(o)}/records/${enc(r)}` : null;
  },
  note: (e: AttioEvent) => {
    const n = idOf(e.id?.note_id);
    return n ? `/notes/${enc(n)}` : null;
  },
  task: (e: AttioEvent) => {
    const t = idOf(e.id?.task_id);
    return t ? `/tasks/${enc(t)}` : null;
  },
  entry: (e: AttioEvent) => {
    const l = idOf(e.id?.list_id);
    const en = idOf(e.id?.entry_id);
    return l && en ? `/lists/${enc(l)}/entries/${enc(en)}` : null;
  },
};
