// Polling a Klaviyo list endpoint by one of its timestamps (profiles by `created`, a list's members by
// `joined_group_at`, a metric's events by `datetime`), with the SDK's pollByTimestamp:
//
// - Every page is a fresh query `greater-than(field, T - 1s)` sorted ascending by the field, anchored at the newest
//   timestamp read so far. Klaviyo's timestamps have second precision, so that is "at or after T's second": items
//   sharing the anchor's second are read again (harmless: keys dedupe) and none sharing it is skipped.
// - Only when a whole page shares one second (an import) is Klaviyo's `page[cursor]` followed, inside that second;
//   the next poll reads that minute once more (pollByTimestamp's recheck) for anything that slid between pages.
// - The next poll starts `overlapMs` before the newest timestamp read, for items that show up a little late.
// - A poll stops after MAX_ANCHORS fresh queries; the next poll continues where it stopped.
// - Baseline (cursor null): the same scan over the last `overlapMs`; the engine records what it returns as seen,
//   so a later poll re-reading that window delivers nothing from before the subscription.
import { pollByTimestamp, type Item, type PollContext, type PollResult, type TimestampPosition } from '../../sdk/index.js';
import { filterTime, getPage, type KlaviyoResource } from './api.js';

export const MAX_ANCHORS = 10;

export interface TimestampListSpec {
  /** The list endpoint under apiBaseUrl, e.g. `/api/profiles`. */
  path: string;
  /** The datetime attribute filtered and sorted on. */
  field: 'created' | 'joined_group_at' | 'datetime';
  /** More filter expressions ANDed in (e.g. `equals(metric_id,"UMTLbD")`). */
  filters?: string[];
  pageSize: number;
  overlapMs: number;
  /** The item key of a resource read at `at` (epoch ms). */
  key(r: KlaviyoResource, at: number): string;
}

interface Cursor extends TimestampPosition {
  v: 1;
}

function parseCursor(raw: unknown): Cursor | null {
  const c = raw as Partial<Cursor> | null;
  if (!c || typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return { v: 1, from: c.from, ...(typeof c.recheck === 'number' && Number.isFinite(c.recheck) ? { recheck: c.recheck } : {}) };
}

const floorSecond = (t: number): number => Math.floor(t / 1000) * 1000;

export function timeOf(r: KlaviyoResource, field: string): number {
  const v = r.attributes?.[field];
  return typeof v === 'string' ? Date.parse(v) : Number.NaN;
}

export async function pollTimestampList(ctx: PollContext<unknown>, spec: TimestampListSpec): Promise<PollResult> {
  const at: TimestampPosition = parseCursor(ctx.cursor) ?? { from: ctx.now() - spec.overlapMs };
  const result = await pollByTimestamp<KlaviyoResource>(
    {
      async page(req) {
        const filter = [
          ...(spec.filters ?? []),
          `greater-than(${spec.field},${filterTime(floorSecond(req.from) - 1000)})`,
          ...(req.until !== undefined ? [`less-than(${spec.field},${filterTime(req.until)})`] : []),
        ].join(',');
        const page = await getPage(ctx.http, spec.path, { filter, sort: spec.field, 'page[size]': spec.pageSize, 'page[cursor]': req.token });
        return { items: page.data, ...(page.cursor ? { next: page.cursor } : {}) };
      },
      timestampOf: (r) => timeOf(r, spec.field),
      boundOf: floorSecond,
      maxAnchors: MAX_ANCHORS,
    },
    at,
    spec.overlapMs,
  );
  if (!result.complete) ctx.log.info('klaviyo poll stopped at the page cap; the next poll continues', { path: spec.path, from: new Date(result.next.from).toISOString() });
  const items = new Map<string, Item>();
  for (const r of result.items) {
    const t = timeOf(r, spec.field);
    const key = spec.key(r, t);
    if (!items.has(key)) items.set(key, { key, payload: r, occurredAt: t });
  }
  return { items: [...items.values()], cursor: { v: 1, ...result.next } satisfies Cursor };
}
