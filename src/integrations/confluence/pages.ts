// Polling Confluence pages with the CQL content search (`GET /wiki/rest/api/content/search`, cursor paging in
// `_links.next`), ordered by `created` or `lastmodified` ascending.
//
// Cursor design (see docs/integrations/confluence.md):
// - CQL dates have minute precision, and Confluence Cloud reads date literals in the *site's* time zone, which
//   no REST API returns (CONFCLOUD-70966, CONFCLOUD-69670). So the lower bound is written with the relative
//   function `now("-Nm")` (server time minus N whole minutes), which needs no time zone: N is rounded up and
//   padded by CLOCK_MARGIN_MIN, so the bound lands at or before the instant we mean even with up to a minute of
//   clock skew plus request time.
//   What is read again is harmless: the engine keeps each key once.
// - Paging is the SDK's timestamp poll (src/sdk/polling.ts): every page is a fresh query anchored at the newest
//   timestamp seen; only when a whole page shares one minute is the search cursor followed, and that minute is
//   read once more on the next poll.
// - The next poll starts OVERLAP_MS before the newest timestamp seen (the search index is eventually consistent).
import { ProviderError, pollByTimestamp, type HttpClient, type Item, type PollContext, type PollResult, type TimestampPosition, type TimestampQuery } from '../../sdk/index.js';

export const PAGE_SIZE = 50;
export const OVERLAP_MS = 5 * 60_000;
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
export const MAX_PAGES_PER_POLL = 20;
/**
 * Whole minutes added to every relative bound, for clock skew between us and Atlassian and the time a request
 * takes. Kept small: each fresh query re-reads this much before its anchor.
 */
export const CLOCK_MARGIN_MIN = 1;

export interface ConfluencePage {
  id: string;
  type?: string;
  title?: string;
  space?: { key?: string; [k: string]: unknown };
  history?: { createdDate?: string; [k: string]: unknown };
  version?: { when?: string; number?: number; [k: string]: unknown };
  [k: string]: unknown;
}

interface SearchResponse {
  results?: ConfluencePage[];
  _links?: { next?: string };
}

export interface ConfluenceParams {
  spaceKey?: string;
}

/** Space keys: letters and digits (global spaces), or `~` and an account id (personal spaces). */
export function validateSpaceKey(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (!/^~?[A-Za-z0-9_-]{1,255}$/.test(value)) return 'must be a Confluence space key (letters and digits, e.g. DOCS, or ~accountId for a personal space)';
  return null;
}

/** The Confluence REST base path for the credential's site (cloud id from the 3LO accessible-resources call). */
export function wikiBase(ctx: { credential: { providerAccountId: string | null; extra: Record<string, unknown> } }): string {
  const cloudId = typeof ctx.credential.extra.cloudId === 'string' ? ctx.credential.extra.cloudId : ctx.credential.providerAccountId;
  if (!cloudId || !/^[A-Za-z0-9-]{1,64}$/.test(cloudId)) {
    throw new ProviderError('permanent', 'the Confluence credential has no cloud id (reconnect the account so its site can be found)');
  }
  return `/ex/confluence/${cloudId}/wiki/rest/api`;
}

/** Parse a Confluence timestamp (ISO 8601); NaN when absent or malformed. */
export function parseTime(v: unknown): number {
  return typeof v === 'string' ? Date.parse(v) : NaN;
}

/** `now("-Nm")` for a lower bound at or before `t`, given our clock `now`. */
export function relativeLower(t: number, now: number): string {
  const minutes = Math.max(0, Math.ceil((now - t) / 60_000)) + CLOCK_MARGIN_MIN;
  return `now("-${minutes}m")`;
}

/** `now("-Nm")` for an upper bound at or after `t` (never before it, skew included). */
export function relativeUpper(t: number, now: number): string {
  const minutes = Math.max(0, Math.floor((now - t) / 60_000) - CLOCK_MARGIN_MIN);
  return `now("-${minutes}m")`;
}

/** The cursor token inside `_links.next` (a relative URL), or undefined. */
export function nextCursor(next: string | undefined): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next, 'https://x.invalid').searchParams.get('cursor') ?? undefined;
  } catch {
    return undefined;
  }
}

function parsePosition(raw: unknown): TimestampPosition | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<TimestampPosition>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return { from: c.from, ...(typeof c.recheck === 'number' ? { recheck: c.recheck } : {}) };
}

export type PageField = 'created' | 'lastmodified';

export function pageTime(page: ConfluencePage, field: PageField): number {
  return field === 'created' ? parseTime(page.history?.createdDate) : parseTime(page.version?.when);
}

function pageQuery(http: HttpClient, base: string, field: PageField, spaceKey: string | undefined, now: number): TimestampQuery<ConfluencePage> {
  return {
    async page({ from, until, token }) {
      const space = spaceKey ? ` AND space = "${spaceKey}"` : '';
      const upper = until !== undefined ? ` AND ${field} < ${relativeUpper(until, now)}` : '';
      const cql = `type = page${space} AND ${field} >= ${relativeLower(from, now)}${upper} ORDER BY ${field} ASC`;
      const res = await http.get<SearchResponse>(`${base}/content/search`, {
        cql, limit: PAGE_SIZE, expand: 'space,history,version', ...(token ? { cursor: token } : {}),
      });
      const results = Array.isArray(res?.results) ? res.results : [];
      const next = results.length > 0 ? nextCursor(res?._links?.next) : undefined;
      return { items: results, ...(next ? { next } : {}) };
    },
    timestampOf: (p) => pageTime(p, field),
    maxAnchors: MAX_PAGES_PER_POLL,
  };
}

/** One poll of a page trigger. `select` maps a page to the item to emit (or null to skip). */
export async function pollPages(ctx: PollContext<ConfluenceParams>, field: PageField, select: (p: ConfluencePage) => Item | null): Promise<PollResult> {
  const base = wikiBase(ctx);
  const now = ctx.now();
  const at = parsePosition(ctx.cursor) ?? { from: now - BASELINE_LOOKBACK_MS };
  const r = await pollByTimestamp(pageQuery(ctx.http, base, field, ctx.params.spaceKey, now), at, OVERLAP_MS);
  const found = new Map<string, Item>();
  for (const p of r.items) {
    if (typeof p?.id !== 'string') continue;
    const item = select(p);
    if (item) found.set(item.key, item);
  }
  if (!r.complete) ctx.log.info('confluence poll stopped at the page cap; the next poll continues', { resumeAt: new Date(r.next.from).toISOString() });
  return { items: [...found.values()], cursor: { v: 1, ...r.next } };
}
