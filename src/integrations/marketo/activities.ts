// Polling Marketo activities (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities):
// `GET /rest/v1/activities/pagingtoken.json?sinceDatetime=…` gives a paging token for an instant, then
// `GET /rest/v1/activities.json?nextPageToken=…&activityTypeIds=…` lists activities after it, oldest first, with
// `moreResult` and the `nextPageToken` to continue from. The last page's token is where the next poll starts:
// it is the cursor, so nothing is re-anchored on timestamps.
//
// - Baseline (cursor null): one paging-token call for now; nothing is listed, nothing delivered.
// - A poll follows tokens while `moreResult` is true, at most MAX_PAGES_PER_POLL pages; the last token read is
//   the new cursor. A failed poll stores nothing: the next one re-reads from the old token, and keys (the
//   activity's marketoGUID, else its id) make the re-read harmless.
import { ProviderError, type Item, type PollContext, type PollResult } from '../../sdk/index.js';
import { marketoGet } from './api.js';

export const MAX_PAGES_PER_POLL = 10;
export const PAGE_SIZE = 300;

export interface MarketoActivity {
  id?: number;
  marketoGUID?: string;
  leadId?: number;
  activityDate?: string;
  activityTypeId?: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
  attributes?: Array<{ name?: string; value?: unknown }>;
  [k: string]: unknown;
}

export interface ActivityCursor {
  v: 1;
  token: string;
}

function parseCursor(raw: unknown): ActivityCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<ActivityCursor>;
  return typeof c.token === 'string' && c.token !== '' ? { v: 1, token: c.token } : null;
}

/** The item key: Marketo's activity GUID, else its numeric id; null when it has neither. */
export function activityKey(a: MarketoActivity): string | null {
  if (typeof a.marketoGUID === 'string' && a.marketoGUID !== '') return a.marketoGUID;
  if (typeof a.id === 'number' && Number.isFinite(a.id)) return String(a.id);
  return null;
}

/** Poll activities of one type; `accept` filters by the trigger's parameters. */
export async function pollActivities<P>(ctx: PollContext<P>, activityTypeId: number, accept: (a: MarketoActivity, params: P) => boolean): Promise<PollResult> {
  const cursor = parseCursor(ctx.cursor);
  if (!cursor) {
    const since = new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const res = await marketoGet<never>(ctx.http, '/rest/v1/activities/pagingtoken.json', { sinceDatetime: since }, ctx.now);
    if (typeof res.nextPageToken !== 'string' || res.nextPageToken === '') throw new ProviderError('transient', 'Marketo answered the paging token request without nextPageToken');
    return { items: [], cursor: { v: 1, token: res.nextPageToken } satisfies ActivityCursor };
  }
  const items: Item[] = [];
  let token = cursor.token;
  for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
    const res = await marketoGet<MarketoActivity>(ctx.http, '/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: activityTypeId, batchSize: PAGE_SIZE }, ctx.now);
    for (const a of res.result ?? []) {
      if (a?.activityTypeId !== undefined && a.activityTypeId !== activityTypeId) continue;
      const key = activityKey(a);
      if (key === null || !accept(a, ctx.params)) continue;
      const at = typeof a.activityDate === 'string' ? Date.parse(a.activityDate) : Number.NaN;
      items.push({ key, payload: a, ...(Number.isFinite(at) ? { occurredAt: at } : {}) });
    }
    if (typeof res.nextPageToken === 'string' && res.nextPageToken !== '') token = res.nextPageToken;
    if (!res.moreResult) break;
  }
  return { items, cursor: { v: 1, token } satisfies ActivityCursor };
}
