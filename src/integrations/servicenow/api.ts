// Polling ServiceNow records through the Table API (`GET /api/now/table/{table}`) on the credential's instance.
//
// Cursor design (see docs/integrations/servicenow.md):
// - `sysparm_query=sys_updated_on>=<YYYY-MM-DD HH:MM:SS>^ORDERBYsys_updated_on^ORDERBYsys_id`: records updated at
//   or after an instant, oldest first. sys_updated_on has second precision, so many records may share one second.
// - The scan is the SDK's pollByTimestamp: every page is a fresh query from the newest sys_updated_on seen
//   (sysparm_offset is a position in a result set that shifts while we read); only when a whole page shares one
//   second is the `next` link's sysparm_offset followed inside it, and that second is read once more next poll.
// - The next poll starts OVERLAP before the newest timestamp seen. Baseline: the last BASELINE_LOOKBACK, recorded
//   as seen and never delivered.
// - Both triggers read by sys_updated_on (a new record has one too): "created" keeps records created since the
//   subscription started, keyed by sys_id; "updated" keeps every version but the creation, keyed by
//   `sys_id:sys_mod_count` (ServiceNow's update counter).
import { pollByTimestamp, ProviderError, providerErrorFor, type HttpResponse, type Item, type PollContext, type PollResult, type TimestampPosition } from '../../sdk/index.js';

export const PAGE_SIZE = 100;
export const OVERLAP_MS = 5 * 60_000;
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Fresh queries per poll past the first; the next poll continues where this one stopped. */
export const MAX_ANCHORS = 25;
/** A 429 without Retry-After: ServiceNow's rate-limit rules count requests per hour. */
export const RATE_LIMIT_PAUSE_MS = 60_000;
const SECOND = 1000;

export const TABLES = ['incident', 'problem', 'change_request', 'sc_req_item'] as const;
export const FIELDS = 'sys_id,number,short_description,state,priority,sys_created_on,sys_updated_on,sys_mod_count,sys_created_by,sys_updated_by';

export interface ServiceNowParams {
  table: string;
}

export interface ServiceNowRecord {
  sys_id: string;
  sys_created_on?: string;
  sys_updated_on?: string;
  sys_mod_count?: string;
  [field: string]: unknown;
}

export interface RecordCursor extends TimestampPosition {
  v: 1;
  /** "created": records created at or after this instant (the subscription's start) are new. */
  since: number;
}

export function validateTable(value: unknown): string | null {
  return typeof value === 'string' && (TABLES as readonly string[]).includes(value) ? null : `must be one of ${TABLES.join(', ')}`;
}

/**
 * The instance origin (https://acme.service-now.com) from the credential's `extra.instanceUrl`. A credential
 * without one uses the integration's apiBaseUrl (relative paths), which a project sets to its own instance.
 */
export function instanceBase(extra: Record<string, unknown>): string {
  const raw = extra.instanceUrl;
  if (raw === undefined || raw === null || raw === '') return '';
  const invalid = () => new ProviderError('permanent', 'the ServiceNow credential has an invalid instanceUrl; reconnect the account');
  if (typeof raw !== 'string') throw invalid();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid();
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') throw invalid();
  return url.origin;
}

/** ServiceNow's stored time, `YYYY-MM-DD HH:MM:SS` in UTC (sysparm_display_value=false), as epoch ms. */
export function parseGlideTime(v: unknown): number {
  if (typeof v !== 'string') return Number.NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function glideTime(t: number): string {
  return new Date(Math.floor(t / SECOND) * SECOND).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * ServiceNow answers errors as `{"error": {"message", "detail"}, "status": "failure"}`. 401 is refreshed and
 * classified by the HTTP client before it gets here; 429 is a rate-limit rule (Retry-After in seconds); 5xx
 * transient; the rest permanent with ServiceNow's message.
 */
export function serviceNowError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as { error?: { message?: unknown; detail?: unknown } };
  const message = typeof body.error?.message === 'string' ? body.error.message : undefined;
  const detail = typeof body.error?.detail === 'string' ? body.error.detail : undefined;
  const text = `ServiceNow HTTP ${res.status}${message ? `: ${message}` : ''}${detail ? ` (${detail})` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

/** The `rel="next"` link's sysparm_offset, if the Link header has one. */
export function nextOffset(link: string | undefined): number | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (!m) continue;
    try {
      const off = Number(new URL(m[1]!, 'http://x').searchParams.get('sysparm_offset'));
      return Number.isInteger(off) && off >= 0 ? off : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const ALLOWED = [400, 403, 404, 429];

function parseCursor(raw: unknown): RecordCursor | null {
  const c = raw as Partial<RecordCursor> | null;
  if (!c || c.v !== 1 || typeof c.from !== 'number' || !Number.isFinite(c.from) || typeof c.since !== 'number') return null;
  return { v: 1, from: c.from, since: c.since, ...(typeof c.recheck === 'number' && Number.isFinite(c.recheck) ? { recheck: c.recheck } : {}) };
}

export async function pollRecords(ctx: PollContext<ServiceNowParams>, select: (r: ServiceNowRecord, cursor: RecordCursor) => Item | null): Promise<PollResult> {
  const table = ctx.params.table;
  const problem = validateTable(table);
  if (problem) throw new ProviderError('permanent', `table ${problem}`);
  const path = `${instanceBase(ctx.credential.extra)}/api/now/table/${table}`;
  const start = ctx.now() - BASELINE_LOOKBACK_MS;
  const at: RecordCursor = parseCursor(ctx.cursor) ?? { v: 1, from: start, since: start };

  const r = await pollByTimestamp<ServiceNowRecord>(
    {
      async page({ from, until, token }) {
        const offset = token ? Number(token) : 0;
        const upper = until !== undefined ? `^sys_updated_on<${glideTime(until)}` : '';
        const res = await ctx.http.request<{ result?: ServiceNowRecord[] }>({
          path,
          query: {
            sysparm_query: `sys_updated_on>=${glideTime(from)}${upper}^ORDERBYsys_updated_on^ORDERBYsys_id`,
            sysparm_limit: PAGE_SIZE,
            sysparm_offset: offset,
            sysparm_fields: FIELDS,
            sysparm_display_value: 'false',
            sysparm_exclude_reference_link: 'true',
          },
          allowStatus: ALLOWED,
        });
        if (res.status >= 400) throw serviceNowError(res, ctx.now());
        const items = (Array.isArray(res.body?.result) ? res.body.result : []).filter((x) => x && typeof x.sys_id === 'string');
        const next = items.length > 0 ? nextOffset(res.headers.link) : undefined;
        return { items, ...(next !== undefined && next > offset ? { next: String(next) } : {}) };
      },
      timestampOf: (x) => parseGlideTime(x.sys_updated_on),
      boundOf: (t) => Math.floor(t / SECOND),
      maxAnchors: MAX_ANCHORS,
    },
    at,
    OVERLAP_MS,
  );
  if (!r.complete) ctx.log.info('servicenow poll stopped at the query cap; the next poll continues', { table, from: new Date(r.next.from).toISOString() });

  const next: RecordCursor = { v: 1, since: at.since, ...r.next };
  const found = new Map<string, Item>();
  for (const rec of r.items) {
    const item = select(rec, next);
    if (item) found.set(item.key, item);
  }
  return { items: [...found.values()], cursor: next };
}
