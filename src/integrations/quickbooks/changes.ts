// The QuickBooks triggers read full entities with the query endpoint
// (`GET /v3/company/{realmId}/query?query=SELECT * FROM Invoice WHERE MetaData.CreateTime >= '…' ORDERBY
// MetaData.CreateTime STARTPOSITION n MAXRESULTS m`), oldest first, from a timestamp cursor per subscription
// (the SDK's pollByTimestamp: every page a fresh query anchored at the newest timestamp seen; a second shared by
// a whole page is paged with STARTPOSITION and read once more next time).
//
// Intuit's notifications are thin and only say "these entities of realm R changed" (webhook.ts): they make the
// subscriptions of that realm poll at once, and the scheduled poll is the backstop for notifications Intuit
// lost or never sent (Intuit itself recommends a Change Data Capture call for that). A notification retried by
// Intuit, several notifications for one change, or a re-read overlap all map to the same item keys:
// - created: `${Id}:Create:${CreateTime}` (CreateTime never changes: one event per entity),
// - updated: `${Id}:Update:${LastUpdatedTime}` (one event per version), only when LastUpdatedTime is after
//   CreateTime (a creation is not an update); several edits between two polls are one event, the latest version.
// Timestamps are normalised to UTC in keys: Intuit writes them in the company's time zone, which may change.
// Deletions are not offered: a deleted entity can no longer be read.
import { pollByTimestamp, ProviderError, type Item, type PollContext, type PollResult, type TimestampPosition } from '../../sdk/index.js';
import { PAGE_SIZE, entitiesOf, qboGet, qboTime, realmOf, type QboEntity, type QueryResponse } from './api.js';

export type Operation = 'Create' | 'Update';

export interface EntityChanges {
  /** The QuickBooks entity, as the query language names it (case-sensitive): Customer, Invoice, Payment, Bill. */
  entity: string;
  operation: Operation;
}

export interface QuickbooksCursor extends TimestampPosition {
  v: 1;
}

/** The baseline reads this far back, so what changed just before subscribing is recorded as seen, not delivered. */
export const BASELINE_LOOKBACK_MS = 10 * 60_000;
/** Each poll re-reads this far behind the newest timestamp seen: an entity may become readable a little after its timestamp. */
export const OVERLAP_MS = 2 * 60_000;
/** Fresh queries per poll before the next poll continues. */
const MAX_ANCHORS = 10;

const field = (op: Operation) => (op === 'Create' ? 'CreateTime' : 'LastUpdatedTime');
const utc = (value: string | undefined): string | undefined => {
  const t = value === undefined ? NaN : Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
};

/** The item for one entity read from the API, or null when it is not an occurrence of `operation`. */
export function entityItem(entity: QboEntity, operation: Operation): Item | null {
  const created = utc(entity.MetaData?.CreateTime);
  const updated = utc(entity.MetaData?.LastUpdatedTime);
  if (operation === 'Create') {
    if (!created) return null;
    return { key: `${entity.Id}:Create:${created}`, payload: entity, occurredAt: Date.parse(created) };
  }
  if (!updated || (created !== undefined && Date.parse(updated) <= Date.parse(created))) return null;
  return { key: `${entity.Id}:Update:${updated}`, payload: entity, occurredAt: Date.parse(updated) };
}

function parseCursor(raw: unknown): QuickbooksCursor | null {
  const c = raw as Partial<QuickbooksCursor> | null;
  if (!c || c.v !== 1 || typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return { v: 1, from: c.from, ...(typeof c.recheck === 'number' ? { recheck: c.recheck } : {}) };
}

/** One poll of `spec` for the credential's company. */
export async function pollEntities(ctx: PollContext, spec: EntityChanges): Promise<PollResult> {
  const realm = realmOf(ctx.credential);
  const column = `MetaData.${field(spec.operation)}`;
  const position = parseCursor(ctx.cursor) ?? { from: ctx.now() - BASELINE_LOOKBACK_MS };
  const r = await pollByTimestamp<QboEntity>(
    {
      async page(req) {
        const start = req.token ? Number(req.token) : 1;
        if (!Number.isInteger(start) || start < 1) throw new ProviderError('permanent', `QuickBooks: bad page position ${req.token}`);
        const until = req.until !== undefined ? ` AND ${column} < '${qboTime(req.until)}'` : '';
        const query = `SELECT * FROM ${spec.entity} WHERE ${column} >= '${qboTime(req.from)}'${until} ORDERBY ${column} STARTPOSITION ${start} MAXRESULTS ${PAGE_SIZE}`;
        const body = await qboGet<QueryResponse>(ctx.http, realm, 'query', { query });
        const items = entitiesOf(body, spec.entity);
        return { items, ...(items.length >= PAGE_SIZE ? { next: String(start + items.length) } : {}) };
      },
      timestampOf: (e) => Date.parse(e.MetaData?.[field(spec.operation)] ?? ''),
      // Intuit's timestamps and query bounds are whole seconds.
      boundOf: (t) => Math.floor(t / 1000) * 1000,
      maxAnchors: MAX_ANCHORS,
    },
    position,
    OVERLAP_MS,
  );
  // Re-anchored pages and the recheck read some entities twice: one item per key.
  const items = new Map<string, Item>();
  for (const e of r.items) {
    const item = entityItem(e, spec.operation);
    if (item) items.set(item.key, item);
  }
  return { items: [...items.values()], cursor: { v: 1, ...r.next } satisfies QuickbooksCursor };
}
