// Polling Intercom contacts with the search API (`POST /contacts/search`), oldest first by `created_at` or
// `updated_at` (Unix seconds).
//
// Cursor design (see docs/integrations/intercom.md):
// - Every page is a fresh search anchored at the newest second seen on the previous page (`field > t - 1`, i.e.
//   "≥ t"; the search API has no ≥ for dates), never a `starting_after` continuation of one long result set: a
//   contact updated while we page moves to the end of the order and would shift another one out of a page we
//   already read. Contacts of the anchor second are read again by the next page (harmless: keys are stored
//   once).
// - When a whole page shares one second (an import), that second is read on its own (`t - 1 < field < t + 1`)
//   with `starting_after` paging — a result set only that second's changes can disturb — and the scan then
//   continues strictly after it.
// - The next poll starts OVERLAP before the newest second seen: Intercom documents that new contacts can take a
//   few minutes to become searchable.
// - Keys: contact id (created); `id:updated_at` (updated; the creation itself is not an update).
import { ProviderError, type HttpClient, type HttpResponse, type Item, type PollContext, type PollResult } from '../../sdk/index.js';

export const PER_PAGE = 150;
export const OVERLAP_SECONDS = 10 * 60;
export const BASELINE_LOOKBACK_SECONDS = 10 * 60;
export const MAX_PAGES_PER_POLL = 40;

export type ContactTimestamp = 'created_at' | 'updated_at';

export interface IntercomContact {
  type?: 'contact';
  id: string;
  created_at?: number;
  updated_at?: number;
  [k: string]: unknown;
}

interface SearchResponse {
  type?: 'list';
  data?: IntercomContact[];
  total_count?: number;
  pages?: { next?: { starting_after?: string } | null; page?: number; per_page?: number; total_pages?: number };
}

interface IntercomErrorList {
  type?: 'error.list';
  errors?: Array<{ code?: string; message?: string }>;
}

/**
 * Intercom answers `{type: "error.list", errors: [{code, message}]}`. 429 (`rate_limit_exceeded`) carries
 * `X-RateLimit-Reset`, the Unix time the 10-second window resets: wait until then.
 */
export function intercomError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as IntercomErrorList;
  const first = body.errors?.[0];
  const text = `Intercom ${res.status}${first?.code ? ` ${first.code}` : ''}${first?.message ? `: ${first.message}` : ''}`;
  if (res.status === 429) {
    const reset = Number(res.headers['x-ratelimit-reset']);
    const wait = Number.isFinite(reset) && reset > 0 ? reset * 1000 - now : 10_000;
    return new ProviderError('rate_limited', text, 429, Math.min(Math.max(wait, 1000), 60 * 60_000));
  }
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

async function search(ctx: { http: HttpClient; now: () => number }, body: unknown): Promise<SearchResponse> {
  const res = await ctx.http.request<SearchResponse>({ method: 'POST', path: '/contacts/search', json: body, allowStatus: [400, 403, 404, 422, 429] });
  if (res.status >= 400) throw intercomError(res, ctx.now());
  return res.body ?? {};
}

interface ContactCursor {
  v: 1;
  /** Read contacts whose timestamp is ≥ this (Unix seconds), or > it when `strict`. */
  from: number;
  strict?: boolean;
  /** A crowded second (`from`) being read with starting_after when the previous poll hit its page cap. */
  within?: string;
}

function parseCursor(raw: unknown): ContactCursor | null {
  const c = raw as Partial<ContactCursor> | null;
  if (!c || c.v !== 1 || typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return {
    v: 1,
    from: Math.floor(c.from),
    ...(c.strict === true ? { strict: true } : {}),
    ...(typeof c.within === 'string' && c.within !== '' ? { within: c.within } : {}),
  };
}

export async function pollContacts(
  ctx: PollContext,
  field: ContactTimestamp,
  select: (c: IntercomContact, at: number) => Item | null,
): Promise<PollResult> {
  const cursor = parseCursor(ctx.cursor);
  const start = cursor?.from ?? Math.floor(ctx.now() / 1000) - BASELINE_LOOKBACK_SECONDS;
  const found = new Map<string, Item>();
  let newest: number | null = null;
  const take = (contacts: IntercomContact[]): number | null => {
    let pageNewest: number | null = null;
    for (const c of contacts) {
      const at = c[field];
      if (typeof c.id !== 'string' || typeof at !== 'number' || !Number.isFinite(at)) continue;
      pageNewest = pageNewest === null ? at : Math.max(pageNewest, at);
      const item = select(c, at);
      if (item) found.set(item.key, item);
    }
    if (pageNewest !== null) newest = newest === null ? pageNewest : Math.max(newest, pageNewest);
    return pageNewest;
  };

  let lower = start;
  let strict = cursor?.strict === true;
  let pages = 0;
  const capped = (within?: string): PollResult => {
    ctx.log.info('intercom poll stopped at the page cap; the next poll continues', { field, from: lower });
    return { items: [...found.values()], cursor: { v: 1, from: lower, ...(strict ? { strict: true } : {}), ...(within ? { within } : {}) } satisfies ContactCursor };
  };
  if (cursor?.within) {
    // Finish the crowded second the previous poll was in the middle of. Intercom does not say how long a
    // search cursor lives: when it is refused, read that second again from its start (re-reads are harmless).
    let r: { pages: number; resumeAfter?: string };
    try {
      r = await readSecond(ctx, field, lower, take, cursor.within, MAX_PAGES_PER_POLL);
    } catch (err) {
      if (!(err instanceof ProviderError) || err.kind !== 'permanent') throw err;
      r = await readSecond(ctx, field, lower, take, undefined, MAX_PAGES_PER_POLL);
    }
    pages += r.pages;
    if (r.resumeAfter) return capped(r.resumeAfter);
    strict = true;
  }
  for (; pages < MAX_PAGES_PER_POLL; pages++) {
    const res = await search(ctx, {
      query: { operator: 'AND', value: [{ field, operator: '>', value: strict ? lower : lower - 1 }] },
      sort: { field, order: 'ascending' },
      pagination: { per_page: PER_PAGE },
    });
    const contacts = res.data ?? [];
    const pageNewest = take(contacts);
    if (contacts.length < PER_PAGE || !res.pages?.next?.starting_after) {
      return { items: [...found.values()], cursor: { v: 1, from: Math.max(start, (newest ?? start) - OVERLAP_SECONDS) } satisfies ContactCursor };
    }
    if (pageNewest !== null && pageNewest > lower) {
      lower = pageNewest;
      strict = false;
    } else {
      // A whole page of one second: read that second on its own, then continue strictly after it.
      strict = false;
      const r = await readSecond(ctx, field, lower, take, undefined, MAX_PAGES_PER_POLL - pages - 1);
      pages += r.pages;
      if (r.resumeAfter) return capped(r.resumeAfter);
      strict = true;
    }
  }
  return capped();
}

/**
 * Every contact whose timestamp is exactly `at`, through `starting_after` pages, at most `budget` pages.
 * Returns the pages read and, when the budget ran out first, the `starting_after` to resume with.
 */
async function readSecond(
  ctx: PollContext,
  field: ContactTimestamp,
  at: number,
  take: (c: IntercomContact[]) => unknown,
  startAfter: string | undefined,
  budget: number,
): Promise<{ pages: number; resumeAfter?: string }> {
  let startingAfter = startAfter;
  for (let pages = 1; ; pages++) {
    const res = await search(ctx, {
      query: { operator: 'AND', value: [{ field, operator: '>', value: at - 1 }, { field, operator: '<', value: at + 1 }] },
      sort: { field, order: 'ascending' },
      pagination: { per_page: PER_PAGE, ...(startingAfter ? { starting_after: startingAfter } : {}) },
    });
    take(res.data ?? []);
    startingAfter = res.pages?.next?.starting_after ?? undefined;
    if (!startingAfter || (res.data ?? []).length === 0) return { pages };
    if (pages >= budget) return { pages, resumeAfter: startingAfter };
  }
}
