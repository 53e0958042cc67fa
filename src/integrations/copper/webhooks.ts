// Copper webhooks (https://developer.copper.com/webhooks/create-new-subscription.html): one subscription per
// trigger subscription, `POST /webhooks` {target, type, event, secret: {opentriggers_secret: <our secret>}};
// `DELETE /webhooks/{id}` on unsubscribe (404: already gone).
//
// Verification: Copper does not sign notifications. It echoes the subscription's `secret` key/value pairs as
// top-level fields of every notification body (https://developer.copper.com/webhooks/notification-example.html),
// so the body's `opentriggers_secret` must equal the subscription's secret (sharedSecret scheme, constant time).
//
// Notifications carry ids only: {ids: [...], type, event, subscription_id, updated_attributes (update only:
// {field: [old, new]}), <secret fields>}. Each id is read back (`GET /{records}/{id}`) so a delivery holds the
// record; one deleted in between is skipped. The secret field is never part of a payload.
//
// Keys: "created" triggers use the record id. Stage changes use the id, the new stage and the notification's
// timestamp (else the record's date_modified). Copper does not retry notifications (at most once), and items
// are read from the API, so no redeliveryDays.
import { ProviderError, inboundJson, type InboundRequest, type Item, type SharedSecretScheme, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { COPPER_HANDLED_STATUSES, copperError, fetchRecord, type CopperRecord, type CopperRecordType } from './api.js';

/** The key of the secret pair we register; Copper sends it back as a top-level body field. */
export const COPPER_SECRET_FIELD = 'opentriggers_secret';

export const COPPER_SECRET_SCHEME: SharedSecretScheme = { kind: 'sharedSecret', jsonPath: COPPER_SECRET_FIELD };

/** Copper sends 1 to 30 ids per notification; more than that is not expected and is cut. */
const MAX_IDS = 30;

export interface CopperParams {
  pipelineId?: string;
  stageId?: string;
}

export interface CopperNotification {
  ids?: unknown;
  type?: unknown;
  event?: unknown;
  subscription_id?: unknown;
  updated_attributes?: unknown;
  timestamp?: unknown;
}

export interface CopperWebhookSpec {
  type: CopperRecordType;
  event: 'new' | 'update';
  /** Decide from the notification alone, before reading the record (e.g. the update names pipeline_stage_id). */
  wants?(id: string, notification: CopperNotification, params: CopperParams): boolean;
  /** The item key of one record; null to skip it. */
  keyOf(id: string, notification: CopperNotification, record: CopperRecord): string | null;
}

export const ID = /^\d{1,20}$/;

export function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && ID.test(value)) return value;
  return null;
}

/** Copper's record times are Unix seconds. */
function secondsToMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

/** The `[old, new]` pair of one field in `updated_attributes`, or null when the update does not name it. */
export function changeOf(notification: CopperNotification, field: string): [unknown, unknown] | null {
  const attrs = notification.updated_attributes;
  if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) return null;
  const pair = (attrs as Record<string, unknown>)[field];
  return Array.isArray(pair) && pair.length === 2 ? [pair[0], pair[1]] : null;
}

function checkParams(params: CopperParams): void {
  for (const field of ['pipelineId', 'stageId'] as const) {
    const v = params[field];
    if (v !== undefined && v !== '' && (typeof v !== 'string' || !ID.test(v))) throw new ProviderError('permanent', `${field}: must be a Copper id (digits)`);
  }
}

function webhookIdOf(state: Record<string, unknown>): string | null {
  return idText(state.webhookId);
}

export function copperWebhook(spec: CopperWebhookSpec): WebhookSource<CopperParams> {
  return {
    kind: 'webhook',
    verification: COPPER_SECRET_SCHEME,
    async register(ctx) {
      checkParams(ctx.params);
      const res = await ctx.http.request<{ id?: unknown } | null>({
        method: 'POST',
        path: '/webhooks',
        json: { target: ctx.hookUrl, type: spec.type, event: spec.event, secret: { [COPPER_SECRET_FIELD]: ctx.secret } },
        allowStatus: COPPER_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw copperError(res, ctx.now());
      const id = idText(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Copper created the webhook but answered without its id');
      return { state: { webhookId: id } };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}`, allowStatus: COPPER_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Copper webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw copperError(res, ctx.now());
    },
    deliveryId(req: InboundRequest) {
      const body = inboundJson(req);
      const sub = idText(body?.subscription_id);
      return sub && typeof body?.timestamp === 'string' ? `${sub}:${body.timestamp.slice(0, 40)}` : undefined;
    },
    async toItems(req, ctx: WebhookContext<CopperParams>): Promise<Item[]> {
      const body = inboundJson(req) as CopperNotification | null;
      if (!body || body.type !== spec.type || body.event !== spec.event) return [];
      const ours = webhookIdOf(ctx.state);
      const sent = idText(body.subscription_id);
      if (ours && sent && sent !== ours) {
        ctx.log.warn('Copper notification for another webhook; ignored', { webhookId: ours });
        return [];
      }
      const ids = Array.isArray(body.ids) ? body.ids.map(idText).filter((v): v is string => v !== null) : [];
      const items: Item[] = [];
      for (const id of [...new Set(ids)].slice(0, MAX_IDS)) {
        if (spec.wants && !spec.wants(id, body, ctx.params)) continue;
        const record = await fetchRecord(ctx.http, spec.type, id, ctx.now());
        if (!record) {
          ctx.log.info('Copper record no longer exists; skipped', { type: spec.type, id });
          continue;
        }
        const pipelineId = ctx.params.pipelineId;
        if (pipelineId && idText(record.pipeline_id) !== pipelineId) continue;
        const key = spec.keyOf(id, body, record);
        if (!key) continue;
        const at = spec.event === 'new' ? secondsToMs(record.date_created) : secondsToMs(record.date_modified);
        const payload = {
          type: spec.type,
          event: spec.event,
          id: Number(id),
          ...(spec.event === 'update' && body.updated_attributes && typeof body.updated_attributes === 'object' ? { updated_attributes: body.updated_attributes } : {}),
          record,
        };
        items.push({ key, payload, ...(at !== undefined ? { occurredAt: at } : {}) });
      }
      return items;
    },
  };
}
