// The polling source of GOOGLE_FORMS_TRIGGER_NEW_RESPONSE: forms.responses.list with `timestamp >= since`.
//
// Cursor: { since, createdAfter, query? }
//   since         the filter's lower bound (inclusive, nine-digit RFC 3339);
//   createdAfter  the subscription's start (minus the overlap): a response created before it is not new,
//                 even when an edit makes it show up in the filter again;
//   query         { pageToken, maxSeen } while one query is read over several polls.
// Google does not document the order of the list, so `since` only moves when a query has been read to its
// last page: to the newest lastSubmittedTime seen, minus OVERLAP_MS (responses may appear in the list a
// little after their timestamp, and clocks differ). Responses sharing a timestamp are all read again by the
// inclusive filter; the key (responseId) keeps each one delivered once. A query longer than MAX_PAGES pages
// carries on from its page token on the next poll (the token is valid for the same form and filter).
import { ProviderError, type Item, type PollSource } from '../../../sdk/index.js';
import { getForm, listResponses, normalizeTimestamp, timestampOf, type FormResponse, type FormsParams } from '../api.js';

export const PAGE_SIZE = 1000;
export const MAX_PAGES = 5;
export const OVERLAP_MS = 5 * 60_000;

interface Cursor {
  since: string;
  createdAfter: string;
  query?: { pageToken: string; maxSeen: string };
}

function readCursor(c: unknown): Cursor | null {
  const o = c as Partial<Cursor> | null;
  if (!o || typeof o !== 'object') return null;
  const since = normalizeTimestamp(o.since);
  const createdAfter = normalizeTimestamp(o.createdAfter);
  if (since === null || createdAfter === null) throw new ProviderError('permanent', 'Google Forms: stored cursor has no valid timestamps');
  const q = o.query;
  const maxSeen = normalizeTimestamp(q?.maxSeen);
  if (q && typeof q.pageToken === 'string' && maxSeen !== null) return { since, createdAfter, query: { pageToken: q.pageToken, maxSeen } };
  return { since, createdAfter };
}

const itemOf = (formId: string, r: FormResponse): Item => ({ key: r.responseId, payload: { formId, ...r } });

export function newResponseSource(): PollSource<FormsParams> {
  return {
    kind: 'poll',
    async poll(ctx) {
      const { formId } = ctx.params;
      const cursor = readCursor(ctx.cursor);
      if (cursor === null) {
        // Baseline: the form must exist (a 404 refuses the subscription); the responses of the overlap window
        // before now are recorded as seen, and the next polls read from there.
        await getForm(ctx.http, formId);
        const start = timestampOf(ctx.now() - OVERLAP_MS);
        const page = await listResponses(ctx.http, formId, { since: start, pageSize: PAGE_SIZE });
        return { items: page.responses.map((r) => itemOf(formId, r)), cursor: { since: start, createdAfter: start } satisfies Cursor };
      }
      const items: Item[] = [];
      let token = cursor.query?.pageToken;
      let maxSeen = cursor.query?.maxSeen ?? cursor.since;
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        const page = await listResponses(ctx.http, formId, { since: cursor.since, pageSize: PAGE_SIZE, ...(token ? { pageToken: token } : {}) });
        for (const r of page.responses) {
          const submitted = normalizeTimestamp(r.lastSubmittedTime) ?? normalizeTimestamp(r.createTime);
          if (submitted !== null && submitted > maxSeen) maxSeen = submitted;
          const created = normalizeTimestamp(r.createTime) ?? submitted;
          if (created !== null && created < cursor.createdAfter) continue;
          items.push(itemOf(formId, r));
        }
        token = page.next;
        if (token === undefined) {
          const since = timestampOf(Math.max(Date.parse(maxSeen) - OVERLAP_MS, Date.parse(cursor.since)));
          return { items, cursor: { since: since > cursor.since ? since : cursor.since, createdAfter: cursor.createdAfter } satisfies Cursor };
        }
      }
      ctx.log.info('Google Forms: more responses than one poll reads; continuing from the page token next poll', { formId, pages: MAX_PAGES });
      return { items, cursor: { since: cursor.since, createdAfter: cursor.createdAfter, query: { pageToken: token!, maxSeen } } satisfies Cursor };
    },
  };
}
