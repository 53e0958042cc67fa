// Front Core API calls the triggers make: the Events list, Front's error shape, the poll over event time.
//
// List events: `GET /events` (https://dev.frontapp.com/reference/listevents), newest first by default; the query
// object `q` takes `after`/`before` (seconds with up to 3 decimals), `types` (event types) and `inboxes` (inbox ids),
// `sort_by=created_at` with `sort_order=asc` returns the oldest first, `limit` at most 15, and `_pagination.next` is
// the URL of the next page (a `page_token` on the company's own API host). Order and filter follow the event's
// emission (`emitted_at`), and event ids are never reused (Front's answer at
// https://community.front.com/developer-q-a-37/usage-of-front-s-events-api-and-the-q-query-string-85).
import {
  pollByTimestamp,
  providerErrorFor,
  ProviderError,
  type HttpClient,
  type Item,
  type PollContext,
  type PollResult,
  type TimestampPage,
  type TimestampPageRequest,
  type TimestampPosition,
} from '../../sdk/index.js';

/** The events' page size: the list's maximum. */
export const PAGE_SIZE = 15;
/** Each poll restarts this long before the newest event seen (events are indexed a little after emission). */
export const OVERLAP_MS = 60_000;
/** Fresh queries per poll past the first (Front's rate limit starts at 50 requests a minute per company). */
export const MAX_ANCHORS = 10;
const RATE_LIMIT_PAUSE_MS = 60_000;

export interface FrontEvent {
  id: string;
  type: string;
  emitted_at: number;
  source?: { _meta?: { type?: string }; data?: unknown };
  target?: { _meta?: { type?: string }; data?: unknown };
  conversation?: Record<string, unknown>;
  [k: string]: unknown;
}

interface FrontPage {
  _pagination?: { next?: string | null };
  _results?: unknown[];
}

interface FrontErrorBody {
  _error?: { status?: number; title?: string; message?: string };
}

const RETRY_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504];

/** Front's failed answer as a classified ProviderError with Front's own title and message (never a token). */
export function frontError(res: { status: number; headers: Record<string, string>; body: unknown }, now: number): ProviderError {
  const err = (res.body && typeof res.body === 'object' ? (res.body as FrontErrorBody)._error : undefined) ?? {};
  const what = [err.title, err.message].filter((s) => typeof s === 'string' && s !== '').join(': ');
  return providerErrorFor(res, `Front ${res.status}${what ? ` ${what}` : ''}`, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** Seconds with 3 decimals, as `q[after]`/`q[before]` take them. */
const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** `emitted_at` (seconds, up to 3 decimals) in epoch ms; NaN when absent. */
export const emittedMs = (e: FrontEvent): number => (typeof e.emitted_at === 'number' ? Math.round(e.emitted_at * 1000) : Number.NaN);

export interface EventFilter {
  /** Front's event type (`inbound`, `outbound`, `assign`, `tag`, `comment`, …). */
  type: string;
  inboxId?: string;
}

/** The query for one page: from `from` (inclusive: `after` is sent 1 ms early), oldest first, or the next page's own query. */
export function eventsQuery(filter: EventFilter, req: TimestampPageRequest): Record<string, string> {
  if (req.token) return JSON.parse(req.token) as Record<string, string>;
  return {
    'q[types][]': filter.type,
    ...(filter.inboxId ? { 'q[inboxes][]': filter.inboxId } : {}),
    'q[after]': seconds(req.from - 1),
    ...(req.until !== undefined ? { 'q[before]': seconds(req.until) } : {}),
    sort_by: 'created_at',
    sort_order: 'asc',
    limit: String(PAGE_SIZE),
  };
}

/**
 * One page of `GET /events`. The next page is requested with the query of `_pagination.next` on our own API base:
 * that URL names the company's host (`acme.api.frontapp.com`), which we never call directly.
 */
export async function eventsPage(http: HttpClient, filter: EventFilter, req: TimestampPageRequest, now: number): Promise<TimestampPage<FrontEvent>> {
  const res = await http.request<FrontPage>({ path: '/events', query: eventsQuery(filter, req), allowStatus: RETRY_STATUSES });
  if (res.status < 200 || res.status >= 300) throw frontError(res, now);
  if (!res.body || !Array.isArray(res.body._results)) throw new ProviderError('transient', 'Front GET /events answered without _results');
  const items = res.body._results.filter((e): e is FrontEvent => !!e && typeof e === 'object' && typeof (e as FrontEvent).id === 'string');
  const nextUrl = res.body._pagination?.next;
  let next: string | undefined;
  if (typeof nextUrl === 'string' && nextUrl !== '') {
    let params: URLSearchParams;
    try {
      params = new URL(nextUrl).searchParams;
    } catch {
      throw new ProviderError('transient', 'Front GET /events answered an unreadable _pagination.next');
    }
    next = JSON.stringify(Object.fromEntries(params.entries()));
  }
  return { items, ...(next ? { next } : {}) };
}

function isPosition(c: unknown): c is TimestampPosition {
  return !!c && typeof c === 'object' && Number.isFinite((c as TimestampPosition).from);
}

/**
 * Poll the events of one type (and inbox). The baseline (cursor null) reads the events of the last OVERLAP_MS,
 * which the engine records as seen; every poll then reads from OVERLAP_MS before the newest event seen.
 * Keys are event ids; `keep` drops events a trigger parameter excludes (e.g. another tag).
 */
export async function pollEvents(ctx: PollContext<unknown>, filter: EventFilter, keep: (e: FrontEvent) => boolean = () => true): Promise<PollResult> {
  const at: TimestampPosition = isPosition(ctx.cursor) ? ctx.cursor : { from: ctx.now() - OVERLAP_MS };
  const r = await pollByTimestamp<FrontEvent>(
    { page: (req) => eventsPage(ctx.http, filter, req, ctx.now()), timestampOf: emittedMs, boundOf: (t) => t, maxAnchors: MAX_ANCHORS },
    at,
    OVERLAP_MS,
  );
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const e of r.items) {
    if (seen.has(e.id) || e.type !== filter.type || !keep(e)) continue;
    seen.add(e.id);
    items.push({ key: e.id, payload: e, occurredAt: emittedMs(e) });
  }
  return { items, cursor: r.next };
}

/** A Front resource id with its prefix (`inb_3ij1`, `tag_2oxhvy`), or a message for the parameter's error. */
export function frontId(prefix: string, what: string): (value: unknown) => string | null {
  const re = new RegExp(`^${prefix}_[a-z0-9]{1,32}$`);
  return (value) => {
    if (value === undefined || value === null || value === '') return null;
    return typeof value === 'string' && re.test(value) ? null : `must be a Front ${what} id like ${prefix}_3ij1 (from the API or the ${what}'s URL)`;
  };
}
