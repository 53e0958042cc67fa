// Polling Jira issues with the enhanced JQL search (`POST /rest/api/3/search/jql`, nextPageToken paging;
// the old `/search` with startAt was removed in 2025).
//
// Cursor design (see docs/integrations/jira.md):
// - JQL dates have minute precision and are read in the account's time zone, so the lower bound is the
//   cursor instant rendered *down* to the minute in that zone (jql.ts), and everything from that minute
//   on is read again: the engine keeps each key once, so re-reading is harmless.
// - Paging is the SDK's timestamp poll (src/sdk/polling.ts): every page is a fresh query anchored at the
//   newest timestamp seen so far ("keyset by minute"), never a continuation of the previous query; only
//   when a whole page shares one minute (a bulk edit) is nextPageToken followed inside that minute, and
//   that minute is read once more, bounded to it, on the next poll ("recheck").
// - The next poll starts OVERLAP before the newest timestamp seen: search is eventually consistent, so
//   an issue may show up a little after its timestamp.
import { ProviderError, pollByTimestamp, type HttpClient, type Item, type Logger, type PollContext, type PollResult, type TimestampPosition, type TimestampQuery } from '../../sdk/index.js';
import { jqlDate, parseJiraTime, wrapFragment } from './jql.js';

export const PAGE_SIZE = 100;
/** Re-read this much before the newest timestamp seen (search index lag, minute truncation). */
export const OVERLAP_MS = 5 * 60_000;
/** The baseline poll reads (and records as seen) what changed this long before subscribing. */
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Stop a poll after this many re-anchored pages; the next poll continues from there. */
export const MAX_PAGES_PER_POLL = 50;

export interface JiraIssue {
  id: string;
  key: string;
  self?: string;
  fields: Record<string, unknown> & { created?: string; updated?: string };
  [k: string]: unknown;
}

interface SearchResponse {
  issues?: JiraIssue[];
  nextPageToken?: string | null;
  isLast?: boolean;
}

export interface JiraParams {
  jqlQuery?: string;
}

export interface IssueCursor {
  v: 1;
  /** Read issues whose timestamp is at or after this instant (rendered down to the minute). */
  from: number;
  /** A minute that had to be paged with continuation tokens last time: read it once more. */
  recheck?: number;
}

/** The Jira REST v3 base path for the credential's site (cloud id from the 3LO accessible-resources call). */
export function restBase(ctx: { credential: { providerAccountId: string | null; extra: Record<string, unknown> } }): string {
  const cloudId = typeof ctx.credential.extra.cloudId === 'string' ? ctx.credential.extra.cloudId : ctx.credential.providerAccountId;
  if (!cloudId || !/^[A-Za-z0-9-]{1,64}$/.test(cloudId)) {
    throw new ProviderError('permanent', 'the Jira credential has no cloud id (reconnect the account so its site can be found)');
  }
  return `/ex/jira/${cloudId}/rest/api/3`;
}

/** The account's time zone, which Jira uses to read JQL date literals. */
export async function accountTimeZone(http: HttpClient, base: string, log?: Logger): Promise<string> {
  const res = await http.request<{ timeZone?: string }>({ path: `${base}/myself`, allowStatus: [403, 404] });
  if (res.status !== 200) log?.warn('jira /myself unavailable (read:jira-user not granted?); reading JQL dates with the widest margin', { status: res.status });
  const tz = res.status === 200 ? res.body?.timeZone : undefined;
  if (typeof tz === 'string' && tz !== '') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz;
    } catch {
      // an unknown zone: fall through to the safest assumption
    }
  }
  // A literal is read as <wall clock> minus the zone's offset. Rendering it in UTC-12 (the furthest-behind
  // zone; `Etc/GMT+12` in POSIX sign convention) makes every zone's reading fall at or before the instant
  // we mean: up to 26 h read again, never anything skipped.
  return 'Etc/GMT+12';
}

function parseCursor(raw: unknown): IssueCursor | null {
  if (!raw || typeof raw !== 'object') return null;
  const c = raw as Partial<IssueCursor>;
  if (typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return { v: 1, from: c.from, ...(typeof c.recheck === 'number' ? { recheck: c.recheck } : {}) };
}

/** Issues whose `field` is at or after an instant, oldest first, as a timestamp query (src/sdk/polling.ts). */
function issueQuery(http: HttpClient, base: string, field: 'created' | 'updated', fragment: string | undefined, timeZone: string): TimestampQuery<JiraIssue> {
  return {
    async page({ from, until, token }) {
      const upper = until !== undefined ? ` AND ${field} < "${jqlDate(until, timeZone, 'up').literal}"` : '';
      const jql = `${wrapFragment(fragment)}${field} >= "${jqlDate(from, timeZone, 'down').literal}"${upper} ORDER BY ${field} ASC, key ASC`;
      const res = await http.post<SearchResponse>(`${base}/search/jql`, {
        jql,
        maxResults: PAGE_SIZE,
        fields: ['*navigable'],
        ...(token ? { nextPageToken: token } : {}),
      });
      const issues = Array.isArray(res?.issues) ? res.issues : [];
      const last = res?.isLast === true || !res?.nextPageToken || issues.length === 0;
      return { items: issues, ...(last ? {} : { next: res.nextPageToken ?? undefined }) };
    },
    timestampOf: (issue) => parseJiraTime(issue.fields?.[field]),
    // The literal's wall-clock minute: a fresh query advances only when its literal is later.
    boundOf: (t) => jqlDate(t, timeZone, 'down').wall,
    maxAnchors: MAX_PAGES_PER_POLL,
  };
}

/** One poll of an issue trigger. `select` maps a matching issue to the item to emit (or null to skip). */
export async function pollIssues(
  ctx: PollContext<JiraParams>,
  field: 'created' | 'updated',
  select: (issue: JiraIssue) => Item | null,
): Promise<PollResult> {
  const base = restBase(ctx);
  const at: TimestampPosition = parseCursor(ctx.cursor) ?? { from: ctx.now() - BASELINE_LOOKBACK_MS };
  const timeZone = await accountTimeZone(ctx.http, base, ctx.log);
  const r = await pollByTimestamp(issueQuery(ctx.http, base, field, ctx.params.jqlQuery, timeZone), at, OVERLAP_MS);
  const found = new Map<string, Item>();
  for (const issue of r.items) {
    const item = select(issue);
    if (item) found.set(item.key, item);
  }
  const nextCursor: IssueCursor = { v: 1, ...r.next };
  if (!r.complete) ctx.log.info('jira poll stopped at the page cap; the next poll continues', { resumeAt: new Date(r.next.from).toISOString() });
  return { items: [...found.values()], cursor: nextCursor };
}
