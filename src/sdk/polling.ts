// Polling an API that can be asked "items whose timestamp is at or after T, oldest first", when its
// timestamps (or its filter) are coarse: minute precision in Jira JQL and Notion, so many items can share
// one timestamp. Used by the jira and notion integrations.
//
// - Every page is a fresh query anchored at the newest timestamp seen so far ("keyset by timestamp"), never a
//   continuation of the previous query: a continuation token is a position in a result set that can change
//   between requests (an item updated meanwhile moves to the end and the one after it slides onto the page
//   already read). A fresh query from the last timestamp seen cannot skip anything; what it reads again is
//   harmless because the engine keeps each item key once.
// - Only when a whole page shares one bound (a bulk edit, an import) can a fresh query not advance: then the
//   provider's token is followed inside that bound, and the bound is read once more on the next poll, limited
//   to its minute ("recheck"), so an item that slid between two token pages while they were read is found.
// - The next poll starts `overlapMs` before the newest timestamp seen: search indexes are eventually
//   consistent, so an item may show up a little after its timestamp.
// - A poll stops after `maxAnchors` fresh queries; the next poll continues from there.

const MINUTE = 60_000;

export interface TimestampPageRequest {
  /** Read items whose timestamp is at or after this instant (as the provider bounds it: see `boundOf`). */
  from: number;
  /** When set: only items whose timestamp is before this instant. */
  until?: number;
  /** The provider's continuation token from the previous page of the same query. */
  token?: string;
}

export interface TimestampPage<T> {
  /** This page's items, oldest first. */
  items: T[];
  /** The token for the next page of the same query; absent (or empty) when this page is the last. */
  next?: string;
}

export interface TimestampQuery<T> {
  /** Send one query (or the next page of one): items from `from` on, oldest first. */
  page(req: TimestampPageRequest): Promise<TimestampPage<T>>;
  /** The item's timestamp in epoch ms; an item without a finite one is skipped. */
  timestampOf(item: T): number;
  /**
   * The provider's lower bound for a query from `t`, as a comparable number: a fresh query from a later
   * instant advances only when its bound is greater. Default: `t` floored to the minute (UTC).
   */
  boundOf?: (t: number) => number;
  /** Stop a poll after this many fresh queries past the first; the next poll continues. */
  maxAnchors: number;
}

export interface TimestampScan<T> {
  items: T[];
  /** The newest timestamp read, or null when nothing was. */
  newest: number | null;
  /** The instant from which a query had to follow the provider's tokens (a crowded bound), if any. */
  stuckAt: number | null;
  /** False when `maxAnchors` stopped the scan; `resumeAt` is where the next poll continues. */
  complete: boolean;
  resumeAt: number;
}

const floorMinute = (t: number): number => Math.floor(t / MINUTE) * MINUTE;

/** Read everything from `from` (and before `until`, when given), oldest first, re-anchoring each page. */
export async function scanByTimestamp<T>(query: TimestampQuery<T>, from: number, until?: number): Promise<TimestampScan<T>> {
  const boundOf = query.boundOf ?? floorMinute;
  const items: T[] = [];
  let newest: number | null = null;
  let stuckAt: number | null = null;
  let lower = from;
  let token: string | undefined;
  for (let anchors = 0; ; ) {
    const res = await query.page({ from: lower, ...(until !== undefined ? { until } : {}), ...(token ? { token } : {}) });
    let pageNewest: number | null = null;
    for (const item of res.items) {
      const ts = query.timestampOf(item);
      if (!Number.isFinite(ts)) continue;
      items.push(item);
      pageNewest = pageNewest === null ? ts : Math.max(pageNewest, ts);
    }
    if (pageNewest !== null) newest = newest === null ? pageNewest : Math.max(newest, pageNewest);
    if (!res.next) return { items, newest, stuckAt, complete: true, resumeAt: lower };
    if (pageNewest !== null && boundOf(pageNewest) > boundOf(lower)) {
      // Progress: a fresh query from the newest timestamp seen (its items are read again, harmlessly).
      anchors++;
      lower = pageNewest;
      token = undefined;
      if (anchors >= query.maxAnchors) return { items, newest, stuckAt, complete: false, resumeAt: lower };
    } else {
      // A whole page inside one bound: only the provider's token can go further within it.
      stuckAt ??= lower;
      token = res.next;
    }
  }
}

/** Where a timestamp poll continues: stored in the trigger's cursor. */
export interface TimestampPosition {
  /** Read items whose timestamp is at or after this instant. */
  from: number;
  /** A crowded bound that was paged with tokens last time: read its minute once more. */
  recheck?: number;
}

export interface TimestampPoll<T> {
  /** The recheck's items, then the scan's; the same item may appear twice (keys dedupe). */
  items: T[];
  next: TimestampPosition;
  /** False when the scan stopped at `maxAnchors` (`next.from` is where it stopped). */
  complete: boolean;
}

/** One poll: the bounded recheck of last poll's crowded minute, if any, then a scan from `at.from`. */
export async function pollByTimestamp<T>(query: TimestampQuery<T>, at: TimestampPosition, overlapMs: number): Promise<TimestampPoll<T>> {
  const items: T[] = [];
  if (at.recheck !== undefined) items.push(...(await scanByTimestamp(query, at.recheck, floorMinute(at.recheck) + MINUTE)).items);
  const r = await scanByTimestamp(query, at.from);
  items.push(...r.items);
  const from = r.complete ? Math.max(at.from, (r.newest ?? at.from) - overlapMs) : r.resumeAt;
  return { items, next: { from, ...(r.stuckAt !== null ? { recheck: r.stuckAt } : {}) }, complete: r.complete };
}
