// The Xero triggers read full records from the Accounting API: `GET /api.xro/2.0/Invoices` (or `Contacts`) with
// `If-Modified-Since` (records modified at or after an instant), `order=UpdatedDateUTC ASC` and `page` (100 records
// a page), oldest first, from a timestamp cursor per subscription (the SDK's pollByTimestamp: every page is a fresh
// request anchored at the newest UpdatedDateUTC seen; only a second shared by a whole page is paged with `page`).
//
// Xero's webhooks are thin ("invoice X of tenant T was created/updated", webhook.ts): they make the subscriptions
// of that tenant poll at once, and the scheduled poll is the backstop for events Xero lost or never sent.
// Retried webhooks, several events for one change and the re-read overlap all map to the same item keys:
// - created: `${id}` — Xero records carry no creation date, so "created" is the first version of a record this
//   subscription reads after its baseline (see docs/integrations/xero.md for what that means for old records);
// - updated: `${id}:${UpdatedDateUTC as ISO}` — one event per version; several edits between two reads are one
//   event with the latest version. A new record's first version is one too (nothing tells a creation apart).
import { pollByTimestamp, ProviderError, type Item, type PollContext, type PollResult, type TimestampPosition } from '../../sdk/index.js';
import { tenantOf, xeroDate, xeroGet } from './api.js';

export type Change = 'created' | 'updated';

export interface RecordChanges {
  /** The Accounting API collection: `Invoices` or `Contacts`. */
  resource: 'Invoices' | 'Contacts';
  /** The id field of its records. */
  idField: 'InvoiceID' | 'ContactID';
  change: Change;
}

export interface XeroCursor extends TimestampPosition {
  v: 1;
}

export type XeroRecord = Record<string, unknown> & { UpdatedDateUTC?: string };

/** Records per page: Xero's documented page size for Invoices and Contacts. */
export const PAGE_SIZE = 100;
/** The baseline reads this far back, so what changed just before subscribing is recorded as seen, not delivered. */
export const BASELINE_LOOKBACK_MS = 10 * 60_000;
/** Each poll re-reads this far behind the newest timestamp seen: a record may become readable a little after its timestamp. */
export const OVERLAP_MS = 2 * 60_000;
const MAX_ANCHORS = 10;

/** The item for one record read from the API, or null when it has no id or no UpdatedDateUTC. */
export function recordItem(record: XeroRecord, spec: RecordChanges): Item | null {
  const id = record[spec.idField];
  const updated = xeroDate(record.UpdatedDateUTC);
  if (typeof id !== 'string' || id === '' || !Number.isFinite(updated)) return null;
  if (spec.change === 'created') return { key: id, payload: record, occurredAt: updated };
  return { key: `${id}:${new Date(updated).toISOString()}`, payload: record, occurredAt: updated };
}

function parseCursor(raw: unknown): XeroCursor | null {
  const c = raw as Partial<XeroCursor> | null;
  if (!c || c.v !== 1 || typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return { v: 1, from: c.from, ...(typeof c.recheck === 'number' ? { recheck: c.recheck } : {}) };
}

/** One poll of `spec` for the credential's tenant. */
export async function pollRecords(ctx: PollContext, spec: RecordChanges): Promise<PollResult> {
  const tenant = tenantOf(ctx.credential);
  const position = parseCursor(ctx.cursor) ?? { from: ctx.now() - BASELINE_LOOKBACK_MS };
  const r = await pollByTimestamp<XeroRecord>(
    {
      async page(req) {
        const page = req.token ? Number(req.token) : 1;
        if (!Number.isInteger(page) || page < 1) throw new ProviderError('permanent', `Xero: bad page ${req.token}`);
        const body = await xeroGet<Record<string, unknown>>(ctx.http, tenant, {
          resource: spec.resource,
          modifiedSince: req.from,
          query: { order: 'UpdatedDateUTC ASC', page },
        });
        const list = body?.[spec.resource];
        const all = Array.isArray(list) ? (list as XeroRecord[]).filter((x) => !!x && typeof x === 'object') : [];
        // Xero has no upper bound on modification: the recheck's window ends here (the list is oldest first).
        const items = req.until === undefined ? all : all.filter((x) => xeroDate(x.UpdatedDateUTC) < req.until!);
        const full = all.length >= PAGE_SIZE && items.length === all.length;
        return { items, ...(full ? { next: String(page + 1) } : {}) };
      },
      timestampOf: (x) => xeroDate(x.UpdatedDateUTC),
      // If-Modified-Since is sent to the second.
      boundOf: (t) => Math.floor(t / 1000) * 1000,
      maxAnchors: MAX_ANCHORS,
    },
    position,
    OVERLAP_MS,
  );
  const items = new Map<string, Item>();
  for (const x of r.items) {
    const item = recordItem(x, spec);
    // For "created", the first version read wins: a later re-read must not replace the payload of the same key.
    if (item && (spec.change === 'updated' || !items.has(item.key))) items.set(item.key, item);
  }
  return { items: [...items.values()], cursor: { v: 1, ...r.next } satisfies XeroCursor };
}
