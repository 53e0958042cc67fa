// Polling a Jotform list by creation time (`GET /user/forms`, `GET /user/submissions`): `filter` takes a JSON
// object such as `{"created_at:gt":"2013-06-25 15:05:44"}`, `orderby=created_at`, `limit` and `offset` page
// through it (https://api.jotform.com/docs/#user-forms, https://api.jotform.com/docs/#user-submissions).
//
// Baseline (cursor null): one page, newest first; its items are recorded as seen and the newest `created_at` is
// the cursor. Later polls ask for everything created after one second before the cursor (Jotform times have
// whole seconds: anything created in the cursor's own second is read again and deduplicated by id), oldest
// first, up to MAX_PAGES pages; the cursor moves to the newest time read.
import type { Item, PollContext, PollResult } from '../../../sdk/index.js';
import { isJotformTime, jotformGet, shiftJotformTime } from '../api.js';

const PAGE_SIZE = 100;
const MAX_PAGES = 10;

interface Row {
  id?: unknown;
  created_at?: unknown;
  [k: string]: unknown;
}

export interface CreatedSinceSpec {
  path: string;
  /** Rows to leave out (e.g. deleted forms). */
  keep?: (row: Row) => boolean;
}

export async function pollCreatedSince(ctx: PollContext<unknown>, spec: CreatedSinceSpec): Promise<PollResult> {
  const raw = ctx.cursor as { since?: unknown } | null;
  const since = raw && isJotformTime(raw.since) ? raw.since : null;
  const items: Item[] = [];
  let newest = since;
  const take = (rows: Row[]) => {
    for (const row of rows) {
      // A row left out was still read: the cursor moves past it.
      if (isJotformTime(row.created_at) && (newest === null || row.created_at > newest)) newest = row.created_at;
      if (typeof row.id !== 'string' && typeof row.id !== 'number') continue;
      if (spec.keep && !spec.keep(row)) continue;
      items.push({ key: String(row.id), payload: row });
    }
  };

  if (ctx.cursor === null || since === null) {
    const rows = await jotformGet<Row[]>(ctx.http, spec.path, { limit: PAGE_SIZE, offset: 0, orderby: 'created_at', direction: 'DESC' }, ctx.now());
    take(Array.isArray(rows) ? rows : []);
    // The baseline's items are recorded, never delivered; a cursor that was unreadable starts over the same way.
    return { items: ctx.cursor === null ? items : [], cursor: { v: 1, since: newest } };
  }

  const filter = JSON.stringify({ 'created_at:gt': shiftJotformTime(since, -1) });
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await jotformGet<Row[]>(ctx.http, spec.path, { limit: PAGE_SIZE, offset: page * PAGE_SIZE, filter, orderby: 'created_at', direction: 'ASC' }, ctx.now());
    const list = Array.isArray(rows) ? rows : [];
    take(list);
    if (list.length < PAGE_SIZE) break;
  }
  return { items, cursor: { v: 1, since: newest } };
}
