// Polling Jira issues with the enhanced JQL search (`POST /rest/api/3/search/jql`, nextPageToken paging;
// the old `/search` with startAt was removed in 2025).
//
// Cursor design (see docs/integrations/jira.md):
// - JQL dates have minute precision and are read in the account's time zone, so the lower bound is the
//   cursor instant rendered *down* to the minute in that zone (jql.ts), and everything from that minute
//   on is read again: the engine keeps each key once, so re-reading is harmless.
// - Every page is a fresh query anchored at the newest timestamp seen so far ("keyset by minute"), never
//   a continuation of the previous query: a continuation token is a position in a result set that can
//   change between requests (an issue updated meanwhile moves to the end and the one after it slides
//   onto the page we already read). A fresh query from the last minute seen cannot skip anything.
// - Only when a whole page shares one minute (a bulk edit) do we follow nextPageToken inside that
//   minute; such a minute is read once more, bounded to that minute, on the next poll ("recheck").
// - The next poll starts OVERLAP before the newest timestamp seen: search is eventually consistent, so
//   an issue may show up a little after its timestamp.
import { ProviderError, type HttpClient, type Item, type Logger, type PollContext, type PollResult } from '../../sdk/index.js';
import { jqlDate, parseJiraTime, wrapFragment } from './jql.js';

export const PAGE_SIZE = 100;
/** Re-read this much before the newest timestamp seen (search index lag, minute truncation). */
export const OVERLAP_MS = 5 * 60_000;
/** The baseline poll reads (and records as seen) what changed this long before subscribing. */
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Stop a poll after this many re-anchored pages; the next poll continues from there. */
export const MAX_PAGES_PER_POLL = 50;
const MINUTE = 60_000;

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

interface ScanResult {
  issues: JiraIssue[];
  newest: number | null;
  /** The anchor of a minute that was paged with tokens, if any. */
  stuckAt: number | null;
  /** False when the page cap stopped the scan; `resumeAt` is where the next poll continues. */
  complete: boolean;
  resumeAt: number;
}

async function scan(
  http: HttpClient,
  base: string,
  field: 'created' | 'updated',
  fragment: string | undefined,
  timeZone: string,
  from: number,
  until?: number,
): Promise<ScanResult> {
  const issues: JiraIssue[] = [];
  let newest: number | null = null;
  let stuckAt: number | null = null;
  let lower = from;
  let lowerLit = jqlDate(lower, timeZone, 'down');
  let token: string | undefined;
  const upper = until !== undefined ? ` AND ${field} < "${jqlDate(until, timeZone, 'up').literal}"` : '';
  for (let anchors = 0; ; ) {
    const jql = `${wrapFragment(fragment)}${field} >= "${lowerLit.literal}"${upper} ORDER BY ${field} ASC, key ASC`;
    const res = await http.post<SearchResponse>(`${base}/search/jql`, {
      jql,
      maxResults: PAGE_SIZE,
      fields: ['*navigable'],
      ...(token ? { nextPageToken: token } : {}),
    });
    const page = Array.isArray(res?.issues) ? res.issues : [];
    let pageNewest: number | null = null;
    for (const issue of page) {
      const ts = parseJiraTime(issue.fields?.[field]);
      if (!Number.isFinite(ts)) continue;
      issues.push(issue);
      pageNewest = pageNewest === null ? ts : Math.max(pageNewest, ts);
    }
    if (pageNewest !== null) newest = newest === null ? pageNewest : Math.max(newest, pageNewest);
    const last = res?.isLast === true || !res?.nextPageToken || page.length === 0;
    if (last) return { issues, newest, stuckAt, complete: true, resumeAt: lower };
    const nextLit = pageNewest !== null ? jqlDate(pageNewest, timeZone, 'down') : lowerLit;
    if (pageNewest !== null && nextLit.wall > lowerLit.wall) {
      // Progress: start a fresh query at the newest minute seen (its issues are read again, harmlessly).
      anchors++;
      lower = pageNewest;
      lowerLit = nextLit;
      token = undefined;
      if (anchors >= MAX_PAGES_PER_POLL) return { issues, newest, stuckAt, complete: false, resumeAt: lower };
    } else {
      // A whole page inside one minute: only the provider's token can go further within it.
      stuckAt ??= lower;
      token = res.nextPageToken ?? undefined;
    }
  }
}

/** One poll of an issue trigger. `select` maps a matching issue to the item to emit (or null to skip). */
export async function pollIssues(
  ctx: PollContext<JiraParams>,
  field: 'created' | 'updated',
  select: (issue: JiraIssue) => Item | null,
): Promise<PollResult> {
  const base = restBase(ctx);
  const cursor = parseCursor(ctx.cursor);
  const from = cursor?.from ?? ctx.now() - BASELINE_LOOKBACK_MS;
  const timeZone = await accountTimeZone(ctx.http, base, ctx.log);
  const fragment = ctx.params.jqlQuery;
  const found = new Map<string, Item>();
  const add = (issues: JiraIssue[]) => {
    for (const issue of issues) {
      const item = select(issue);
      if (item) found.set(item.key, item);
    }
  };
  if (cursor?.recheck !== undefined) {
    // Read last poll's crowded minute again in one bounded query, so an issue that slid between two of
    // its token pages while we read them is still found.
    const again = await scan(ctx.http, base, field, fragment, timeZone, cursor.recheck, Math.floor(cursor.recheck / MINUTE) * MINUTE + MINUTE);
    add(again.issues);
  }
  const r = await scan(ctx.http, base, field, fragment, timeZone, from);
  add(r.issues);
  const next = r.complete ? Math.max(from, (r.newest ?? from) - OVERLAP_MS) : r.resumeAt;
  const nextCursor: IssueCursor = { v: 1, from: next, ...(r.stuckAt !== null ? { recheck: r.stuckAt } : {}) };
  if (!r.complete) ctx.log.info('jira poll stopped at the page cap; the next poll continues', { resumeAt: new Date(r.resumeAt).toISOString() });
  return { items: [...found.values()], cursor: nextCursor };
}
