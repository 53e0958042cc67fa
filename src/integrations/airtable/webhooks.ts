// One Airtable webhook per trigger subscription, watching one table for one kind of record change.
//
// register: `POST /v0/bases/{baseId}/webhooks` with our per-subscription URL as `notificationUrl` and a
//   specification `{options: {filters: {dataTypes: ['tableData'], recordChangeScope: tableId, changeTypes: [kind]}}}`.
//   Airtable answers `{id, macSecretBase64, expirationTime}`: Airtable chooses the signing key, returned once and
//   stored (encrypted) as the subscription's secret. A new webhook's payloads start at cursor 1.
// inbound: a *ping* `{base: {id}, webhook: {id}, timestamp}` without the changes, signed
//   `X-Airtable-Content-MAC: hmac-sha256=<hex HMAC-SHA256 of the raw body>` keyed with the base64-decoded
//   macSecretBase64. It makes us read `GET …/webhooks/{id}/payloads?cursor=<stored>`; the items and the new cursor
//   are stored in one transaction (`{items, state}`). `catchUp` (the engine's backstop sync, and the re-read after
//   a re-created webhook) is the same read.
// check (hourly): `GET /v0/bases/{baseId}/webhooks`: ours missing → 'gone', `isHookEnabled: false` (Airtable turns a
//   webhook off when it expires or its specification becomes invalid) → 'inactive'. OAuth webhooks expire after 7
//   days unless refreshed: listing payloads extends them, and the check refreshes one that would expire within
//   three days (`POST …/refresh`). unregister: `DELETE /v0/bases/{baseId}/webhooks/{id}` (404: already gone).
//
// Keys: created → the record id; updated and deleted → record id + the payload's baseTransactionNumber (one
// Airtable action; payloads split from one action share it). Re-reading the same payloads gives the same keys.
import { ProviderError, type HmacScheme, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import {
  BASE_ID,
  TABLE_ID,
  WEBHOOK_ID,
  airtableCall,
  listWebhooks,
  readPayloads,
  webhookPath,
  webhooksPath,
  type AirtableParams,
  type WebhookPayload,
} from './api.js';

/**
 * `X-Airtable-Content-MAC: hmac-sha256=<hex>`, HMAC-SHA256 of the raw body keyed with the base64-decoded
 * `macSecretBase64` (webhooks-overview, "Notification delivery"). No timestamp header: a replayed ping only makes
 * us read the payloads from our own cursor, which delivers nothing twice.
 */
export const AIRTABLE_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-airtable-content-mac',
  prefix: 'hmac-sha256=',
  encoding: 'hex',
  secretEncoding: 'base64',
};

export type RecordChange = 'created' | 'updated' | 'deleted';

/** The specification's changeTypes value for each trigger (webhooks-specification, `changeTypes`). */
const CHANGE_TYPE: Record<RecordChange, 'add' | 'update' | 'remove'> = { created: 'add', updated: 'update', deleted: 'remove' };

/** Refresh a webhook in the hourly check when it would expire sooner than this. */
export const REFRESH_WITHIN_MS = 3 * 24 * 60 * 60_000;

export interface AirtableHookState {
  webhookId: string;
  baseId: string;
  tableId: string;
  /** The transaction number of the next payload to read. */
  cursor: number;
}

export function specification(kind: RecordChange, tableId: string): Record<string, unknown> {
  return {
    options: {
      filters: { dataTypes: ['tableData'], recordChangeScope: tableId, changeTypes: [CHANGE_TYPE[kind]] },
      // For updates, also the previous values of the changed cells and the record's other cells.
      ...(kind === 'updated' ? { includes: { includeCellValuesInFieldIds: 'all', includePreviousCellValues: true } } : {}),
    },
  };
}

function checkedParams(params: AirtableParams): AirtableParams {
  // The catalog validates these before register; checked again because they are put into a URL path.
  if (!BASE_ID.test(String(params.baseId))) throw new ProviderError('permanent', 'baseId: must be an Airtable base id (app followed by 14 letters or digits)');
  if (!TABLE_ID.test(String(params.tableId))) throw new ProviderError('permanent', 'tableId: must be an Airtable table id (tbl followed by 14 letters or digits)');
  return params;
}

export function readHookState(state: Record<string, unknown>): AirtableHookState | null {
  const { webhookId, baseId, tableId, cursor } = state as Partial<AirtableHookState>;
  if (typeof webhookId !== 'string' || !WEBHOOK_ID.test(webhookId) || typeof baseId !== 'string' || !BASE_ID.test(baseId)) return null;
  if (typeof tableId !== 'string' || !TABLE_ID.test(tableId)) return null;
  return { webhookId, baseId, tableId, cursor: typeof cursor === 'number' && Number.isSafeInteger(cursor) && cursor >= 1 ? cursor : 1 };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The items of one kind for one table in a list of payloads (pure). */
export function payloadItems(kind: RecordChange, payloads: WebhookPayload[], baseId: string, tableId: string): Item[] {
  const items: Item[] = [];
  for (const p of payloads) {
    if (p.error !== undefined && p.error !== false) continue;
    const table = isObject(p.changedTablesById) ? p.changedTablesById[tableId] : undefined;
    if (!isObject(table)) continue;
    const txn = typeof p.baseTransactionNumber === 'number' ? p.baseTransactionNumber : null;
    const at = typeof p.timestamp === 'string' ? Date.parse(p.timestamp) : NaN;
    const common = {
      baseId,
      tableId,
      timestamp: typeof p.timestamp === 'string' ? p.timestamp : null,
      baseTransactionNumber: txn,
      actionMetadata: p.actionMetadata ?? null,
    };
    const occurredAt = Number.isFinite(at) ? { occurredAt: at } : {};
    if (kind === 'created' && isObject(table.createdRecordsById)) {
      for (const [recordId, rec] of Object.entries(table.createdRecordsById)) {
        if (!isObject(rec)) continue;
        items.push({
          key: recordId,
          payload: { recordId, ...common, createdTime: rec.createdTime ?? null, cellValuesByFieldId: rec.cellValuesByFieldId ?? {} },
          ...occurredAt,
        });
      }
    }
    // Without a transaction number there is nothing stable to tell two changes of one record apart.
    if (txn === null) continue;
    if (kind === 'updated' && isObject(table.changedRecordsById)) {
      for (const [recordId, rec] of Object.entries(table.changedRecordsById)) {
        if (!isObject(rec)) continue;
        items.push({
          key: `${recordId}:${txn}`,
          payload: { recordId, ...common, current: rec.current ?? null, previous: rec.previous ?? null, unchanged: rec.unchanged ?? null },
          ...occurredAt,
        });
      }
    }
    if (kind === 'deleted' && Array.isArray(table.destroyedRecordIds)) {
      for (const recordId of table.destroyedRecordIds) {
        if (typeof recordId !== 'string') continue;
        items.push({ key: `${recordId}:${txn}`, payload: { recordId, ...common }, ...occurredAt });
      }
    }
  }
  return items;
}

/** Read the payloads since the stored cursor: the items of `kind` and the state with the cursor moved on. */
export async function syncPayloads(kind: RecordChange, ctx: WebhookContext<AirtableParams>): Promise<{ items: Item[]; state: Record<string, unknown> }> {
  const s = readHookState(ctx.state);
  if (!s) throw new ProviderError('permanent', 'the subscription has no Airtable webhook; re-create the subscription');
  const read = await readPayloads(ctx.http, s.baseId, s.webhookId, s.cursor);
  for (const p of read.payloads) {
    if (p.error !== undefined && p.error !== false) {
      ctx.log.warn('Airtable reported an error payload for the webhook', { webhookId: s.webhookId, code: typeof p.code === 'string' ? p.code : 'unknown' });
    }
  }
  if (read.more) ctx.log.info('more Airtable payloads remain; the next notification or backstop sync continues', { webhookId: s.webhookId });
  return { items: payloadItems(kind, read.payloads, s.baseId, s.tableId), state: { ...ctx.state, cursor: read.cursor } };
}

export function airtableWebhook(kind: RecordChange): WebhookSource<AirtableParams> {
  return {
    kind: 'webhook',
    verification: AIRTABLE_SIGNATURE,
    // No redeliveryDays: items are read from the payload list (catchUp), which lists changes again.
    async register(ctx) {
      const { baseId, tableId } = checkedParams(ctx.params);
      const res = await airtableCall<{ id?: unknown; macSecretBase64?: unknown; expirationTime?: unknown }>(
        ctx.http,
        { method: 'POST', path: webhooksPath(baseId), json: { notificationUrl: ctx.hookUrl, specification: specification(kind, tableId) } },
        'create webhook',
      );
      const id = res.body?.id;
      const secret = res.body?.macSecretBase64;
      if (typeof id !== 'string' || !WEBHOOK_ID.test(id) || typeof secret !== 'string' || secret === '') {
        throw new ProviderError('permanent', 'create webhook: Airtable answered without the webhook id and macSecretBase64');
      }
      // Airtable chose the key (returned only now): this subscription's pings are verified with it.
      const state: AirtableHookState = { webhookId: id, baseId, tableId, cursor: 1 };
      return { state: { ...state }, secret };
    },
    async unregister(ctx) {
      const s = readHookState(ctx.state);
      if (!s) return;
      const res = await airtableCall(ctx.http, { method: 'DELETE', path: webhookPath(s.baseId, s.webhookId) }, 'delete webhook', [404]);
      if (res.status === 404) ctx.log.info('Airtable webhook was already deleted', { webhookId: s.webhookId });
    },
    async check(ctx) {
      const s = readHookState(ctx.state);
      if (!s) return 'gone';
      const hook = (await listWebhooks(ctx.http, s.baseId)).find((h) => h.id === s.webhookId);
      if (!hook) return 'gone';
      if (hook.isHookEnabled === false) return 'inactive';
      if (hook.areNotificationsEnabled === false) {
        // Airtable stopped pinging us (e.g. after failed deliveries); payloads are still collected and the
        // backstop sync keeps reading them, so nothing is lost, only later.
        ctx.log.warn('Airtable notifications are disabled for this webhook; changes arrive with the backstop sync', { webhookId: s.webhookId });
      }
      const expires = typeof hook.expirationTime === 'string' ? Date.parse(hook.expirationTime) : NaN;
      if (Number.isFinite(expires) && expires - ctx.now() < REFRESH_WITHIN_MS) {
        const res = await airtableCall(ctx.http, { method: 'POST', path: `${webhookPath(s.baseId, s.webhookId)}/refresh` }, 'refresh webhook', [404]);
        if (res.status === 404) return 'gone';
      }
      return 'active';
    },
    toItems(req, ctx) {
      const s = readHookState(ctx.state);
      const body = req.body as { webhook?: { id?: unknown } | null } | null;
      const named = body && typeof body === 'object' ? body.webhook?.id : undefined;
      if (s && typeof named === 'string' && named !== s.webhookId) {
        // Signed with this subscription's key but naming another webhook: not ours to read.
        ctx.log.warn('Airtable ping names another webhook; ignored', { webhookId: s.webhookId, named });
        return [];
      }
      return syncPayloads(kind, ctx);
    },
    catchUp: (ctx) => syncPayloads(kind, ctx),
  };
}
