// One Smartsheet sheet webhook per subscription. `POST /webhooks` creates it (scope "sheet", the sheet id,
// events ["*.*"], version 1, our per-subscription callback URL); it is created disabled, and `PUT
// /webhooks/{id}` with `{enabled: true}` makes Smartsheet send the verification request to that URL while the
// PUT is still running. The request carries `Smartsheet-Hook-Challenge` and the body `{challenge, webhookId}`;
// we answer `{"smartsheetHookResponse": challenge}` (the `challengeEcho` handshake, before verification: the
// engine does not know the sharedSecret yet while `register` runs). Smartsheet repeats the challenge every
// 100 callbacks; the same handshake answers it. Deleted on unsubscribe; read every hour (`check`) so one
// Smartsheet disabled (verification failed, too many failed callbacks, owner lost access) or that was deleted
// is created again.
//
// Signature: `Smartsheet-Hmac-SHA256` = hex HMAC-SHA256 of the raw body keyed with the webhook's
// `sharedSecret` (chosen by Smartsheet, returned with the webhook): Registration.secret.
//
// Callbacks are "skinny": `{nonce, timestamp, webhookId, scope, scopeObjectId, events: [{objectType,
// eventType, id | rowId, columnId, userId, timestamp}]}`. Rows created or updated are read with `GET
// /sheets/{sheetId}/rows/{rowId}`; a row gone by then is skipped (its deletion is its own event).
import {
  ProviderError,
  type Handshake,
  type HmacScheme,
  type InboundRequest,
  type Item,
  type WebhookContext,
  type WebhookSource,
} from '../../sdk/index.js';
import { SMARTSHEET_HANDLED_STATUSES, idText, smartsheetError, type SmartsheetRow } from './api.js';

export const SMARTSHEET_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'smartsheet-hmac-sha256',
  encoding: 'hex',
};

export const SMARTSHEET_HANDSHAKES: Handshake[] = [
  {
    kind: 'challengeEcho',
    match: { jsonPath: 'challenge' },
    respondWith: { jsonPath: 'challenge', as: 'json', responseKey: 'smartsheetHookResponse' },
    signed: false,
  },
];

export const SMARTSHEET_WEBHOOKS_DOCS = 'https://developers.smartsheet.com/api/smartsheet/guides/webhooks/webhook-callbacks';

export type RowEvent = 'created' | 'updated' | 'deleted';

export interface SmartsheetParams {
  sheetId: string;
}

export interface SmartsheetCallbackEvent {
  objectType?: unknown;
  eventType?: unknown;
  id?: unknown;
  rowId?: unknown;
  columnId?: unknown;
  userId?: unknown;
  timestamp?: unknown;
}

export interface SmartsheetCallback {
  nonce?: unknown;
  timestamp?: unknown;
  webhookId?: unknown;
  scope?: unknown;
  scopeObjectId?: unknown;
  events?: unknown;
  newWebhookStatus?: unknown;
}

interface SmartsheetWebhook {
  id?: unknown;
  sharedSecret?: unknown;
  enabled?: unknown;
  status?: unknown;
  disabledDetails?: unknown;
}

const time = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
};

function eventsOf(body: SmartsheetCallback): SmartsheetCallbackEvent[] {
  return Array.isArray(body.events) ? body.events.filter((e): e is SmartsheetCallbackEvent => e !== null && typeof e === 'object') : [];
}

/**
 * The row ids a callback names for one trigger, in order, each once. `created`/`deleted`: row events of that
 * type. `updated`: row `updated` events and cell events (a cell change names its `rowId`), except rows the
 * same callback reports as created (their first values are part of the creation) or deleted.
 */
export function rowIdsFor(event: RowEvent, body: SmartsheetCallback): string[] {
  const events = eventsOf(body);
  const rowsWith = (type: string) =>
    new Set(events.filter((e) => e.objectType === 'row' && e.eventType === type).map((e) => idText(e.id)).filter((id): id is string => id !== null));
  const ids: string[] = [];
  if (event === 'updated') {
    const excluded = new Set([...rowsWith('created'), ...rowsWith('deleted')]);
    for (const e of events) {
      const id = e.objectType === 'row' && e.eventType === 'updated' ? idText(e.id) : e.objectType === 'cell' ? idText(e.rowId) : null;
      if (id && !excluded.has(id) && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }
  for (const id of rowsWith(event)) ids.push(id);
  return ids;
}

/** The row, or null when it no longer exists or the user can no longer see it (nothing to deliver). */
async function readRow(ctx: WebhookContext<SmartsheetParams>, sheetId: string, rowId: string): Promise<SmartsheetRow | null> {
  const res = await ctx.http.request<SmartsheetRow | null>({
    method: 'GET',
    path: `/sheets/${encodeURIComponent(sheetId)}/rows/${encodeURIComponent(rowId)}`,
    allowStatus: SMARTSHEET_HANDLED_STATUSES,
  });
  if (res.status === 404) {
    ctx.log.info('Smartsheet row is gone; event skipped', { sheetId, rowId });
    return null;
  }
  if (res.status >= 400) throw smartsheetError(res, `GET /sheets/${sheetId}/rows/${rowId}`);
  if (!res.body || idText(res.body.id) === null) throw new ProviderError('permanent', `Smartsheet answered GET /sheets/${sheetId}/rows/${rowId} without a row`);
  return res.body;
}

function sheetIdOf(ctx: { state: Record<string, unknown>; params: SmartsheetParams }): string | null {
  return idText(ctx.state.sheetId) ?? idText(ctx.params.sheetId);
}

function webhookIdOf(state: Record<string, unknown>): string | null {
  return idText(state.webhookId);
}

/** The item key: created/deleted → the row id (once each); updated → the row id and its `modifiedAt`. */
export function rowKey(event: RowEvent, rowId: string, row?: SmartsheetRow | null): string {
  if (event !== 'updated') return rowId;
  const version = typeof row?.modifiedAt === 'string' ? row.modifiedAt : typeof row?.version === 'number' ? `v${row.version}` : '';
  return `${rowId}:${version}`;
}

export function smartsheetWebhook(event: RowEvent): WebhookSource<SmartsheetParams> {
  return {
    kind: 'webhook',
    verification: SMARTSHEET_SIGNATURE,
    handshakes: SMARTSHEET_HANDSHAKES,
    // No redeliveryDays: Smartsheet documents retries but no bound on how long, and items are completed by a
    // read that a later callback could repeat, so every key keeps its dedupe marker.
    async register(ctx) {
      const sheetId = idText(ctx.params.sheetId);
      if (!sheetId) throw new ProviderError('permanent', 'sheetId: must be a Smartsheet sheet id (digits)');
      const created = await ctx.http.request<{ result?: SmartsheetWebhook | null } | null>({
        method: 'POST',
        path: '/webhooks',
        json: {
          name: `OpenTriggers row ${event}`.slice(0, 100),
          callbackUrl: ctx.hookUrl,
          scope: 'sheet',
          scopeObjectId: Number(sheetId),
          events: ['*.*'],
          version: 1,
        },
        allowStatus: SMARTSHEET_HANDLED_STATUSES,
      });
      if (created.status >= 400) throw smartsheetError(created, 'POST /webhooks');
      const id = idText(created.body?.result?.id);
      const secret = created.body?.result?.sharedSecret;
      if (!id || typeof secret !== 'string' || secret === '') {
        throw new ProviderError('permanent', 'Smartsheet created the webhook but answered without its id and sharedSecret');
      }
      // Enabling makes Smartsheet send the verification challenge to our URL before it answers.
      const enabled = await ctx.http.request<{ result?: SmartsheetWebhook | null } | null>({
        method: 'PUT',
        path: `/webhooks/${id}`,
        json: { enabled: true },
        allowStatus: SMARTSHEET_HANDLED_STATUSES,
      });
      const result = enabled.body?.result;
      if (enabled.status >= 400 || result?.enabled !== true) {
        // Do not leave a disabled webhook behind at Smartsheet.
        await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}`, allowStatus: SMARTSHEET_HANDLED_STATUSES }).catch(() => undefined);
        if (enabled.status >= 400) throw smartsheetError(enabled, `PUT /webhooks/${id}`);
        const status = typeof result?.status === 'string' ? result.status.slice(0, 60) : 'unknown';
        const details = typeof result?.disabledDetails === 'string' ? `: ${result.disabledDetails.slice(0, 200)}` : '';
        throw new ProviderError('permanent', `Smartsheet did not enable the webhook (status ${status}${details}); is the public URL reachable from Smartsheet?`);
      }
      // Smartsheet chose the signing secret: verify this subscription's callbacks with it.
      return { state: { webhookId: id, sheetId }, secret };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}`, allowStatus: SMARTSHEET_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Smartsheet webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw smartsheetError(res, `DELETE /webhooks/${id}`);
    },
    async check(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<SmartsheetWebhook | null>({ method: 'GET', path: `/webhooks/${id}`, allowStatus: SMARTSHEET_HANDLED_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw smartsheetError(res, `GET /webhooks/${id}`);
      return res.body?.enabled === true && (res.body.status === undefined || res.body.status === 'ENABLED') ? 'active' : 'inactive';
    },
    deliveryId(req: InboundRequest) {
      const nonce = (req.body as SmartsheetCallback | null)?.nonce;
      return typeof nonce === 'string' ? nonce : undefined;
    },
    async toItems(req: InboundRequest, ctx: WebhookContext<SmartsheetParams>): Promise<Item[]> {
      const body = req.body as SmartsheetCallback | null;
      if (!body || typeof body !== 'object') return [];
      const id = webhookIdOf(ctx.state);
      const sentFor = idText(body.webhookId);
      if (id && sentFor && sentFor !== id) {
        ctx.log.warn('Smartsheet callback names another webhook; ignored', { webhookId: id, sentFor });
        return [];
      }
      if (typeof body.newWebhookStatus === 'string') {
        // A status change callback: the hourly check re-creates a disabled webhook.
        ctx.log.warn('Smartsheet changed the webhook status', { webhookId: id, newWebhookStatus: body.newWebhookStatus.slice(0, 60) });
        return [];
      }
      const sheetId = sheetIdOf(ctx);
      if (!sheetId) return [];
      const events = eventsOf(body);
      const items: Item[] = [];
      for (const rowId of rowIdsFor(event, body)) {
        const rowEvent = events.find((e) => (e.objectType === 'row' && idText(e.id) === rowId) || (e.objectType === 'cell' && idText(e.rowId) === rowId));
        if (event === 'deleted') {
          const at = time(rowEvent?.timestamp);
          items.push({
            key: rowKey(event, rowId),
            payload: { id: Number(rowId), sheetId: Number(sheetId), eventType: 'deleted', userId: rowEvent?.userId ?? null, timestamp: rowEvent?.timestamp ?? null },
            ...(at !== undefined ? { occurredAt: at } : {}),
          });
          continue;
        }
        const row = await readRow(ctx, sheetId, rowId);
        if (!row) continue;
        const at = time(event === 'created' ? row.createdAt : row.modifiedAt) ?? time(rowEvent?.timestamp);
        items.push({ key: rowKey(event, rowId, row), payload: row, ...(at !== undefined ? { occurredAt: at } : {}) });
      }
      return items;
    },
  };
}
