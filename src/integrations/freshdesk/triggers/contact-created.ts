// New contacts: `GET /api/v2/contacts?_updated_since=…` (https://developers.freshdesk.com/api/#list_all_contacts)
// filters by update time but documents no sort order, so a poll cannot re-anchor on the newest timestamp the
// way the ticket triggers do. Each poll reads every page updated since the cursor (minus one second, and
// OVERLAP_MS before the newest `updated_at` seen last time), emits the contacts created since the baseline's
// start, and moves the cursor only when the listing was read to its end. A poll stops after MAX_PAGES pages and
// the next poll continues at the following page of the same query; the engine keeps each contact id once.
import { defineTrigger, type Item } from '../../../sdk/index.js';
import contact from '../fixtures/contact.json' with { type: 'json' };
import { checkStoredDomain, getList, parseTime, sinceParam } from '../api.js';
import { BASELINE_LOOKBACK_MS, MAX_PAGE_NUMBER, OVERLAP_MS, PAGE_SIZE } from '../tickets.js';

const MAX_PAGES = 10;

interface FreshdeskContact {
  id: number;
  created_at?: string;
  updated_at?: string;
  [k: string]: unknown;
}

interface ContactCursor {
  v: 1;
  /** The query: contacts updated at or after this instant. */
  from: number;
  /** Where the unfinished query continues (absent: page 1). */
  page?: number;
  /** The newest `updated_at` read by the unfinished query so far. */
  newest?: number;
  /** Only contacts created at or after this instant are new. */
  createdSince: number;
}

function parseCursor(raw: unknown): ContactCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<ContactCursor>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from) || typeof c.createdSince !== 'number') return null;
  return {
    v: 1, from: c.from, createdSince: c.createdSince,
    ...(typeof c.page === 'number' && c.page > 1 ? { page: c.page } : {}),
    ...(typeof c.newest === 'number' ? { newest: c.newest } : {}),
  };
}

export const contactCreatedTrigger = defineTrigger({
  type: 'FRESHDESK_TRIGGER_CONTACT_CREATED',
  title: 'Contact created',
  description: 'Fires once for each new contact in the helpdesk. Polls the contact list by update time.',
  parameters: [],
  examplePayload: contact,
  docsUrl: 'https://developers.freshdesk.com/api/#list_all_contacts',
  source: {
    kind: 'poll',
    async poll(ctx) {
      checkStoredDomain(ctx.credential.extra);
      const start = ctx.now() - BASELINE_LOOKBACK_MS;
      const cursor = parseCursor(ctx.cursor) ?? { v: 1 as const, from: start, createdSince: start };
      const found = new Map<string, Item>();
      let newest = cursor.newest ?? null;
      let page = cursor.page ?? 1;
      for (let read = 0; ; read++) {
        if (read >= MAX_PAGES) {
          ctx.log.info('freshdesk contact poll stopped at the page cap; the next poll continues', { page });
          return { items: [...found.values()], cursor: { ...cursor, page, ...(newest !== null ? { newest } : {}) } };
        }
        const contacts = await getList<FreshdeskContact>(ctx.http, '/contacts', { _updated_since: sinceParam(cursor.from), per_page: PAGE_SIZE, page });
        for (const c of contacts) {
          if (typeof c?.id !== 'number') continue;
          const updated = parseTime(c.updated_at);
          if (Number.isFinite(updated)) newest = newest === null ? updated : Math.max(newest, updated);
          const created = parseTime(c.created_at);
          if (!Number.isFinite(created) || created < cursor.createdSince) continue;
          found.set(String(c.id), { key: String(c.id), payload: c, occurredAt: created });
        }
        if (contacts.length < PAGE_SIZE || page >= MAX_PAGE_NUMBER) break;
        page++;
      }
      const from = newest === null ? cursor.from : Math.max(cursor.from, newest - OVERLAP_MS);
      const next: ContactCursor = { v: 1, from, createdSince: cursor.createdSince };
      return { items: [...found.values()], cursor: next };
    },
  },
});
