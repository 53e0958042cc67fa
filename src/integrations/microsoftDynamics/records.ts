// Polling Dynamics 365 Sales rows (Dataverse tables) through the Dataverse Web API on the credential's
// organization URL (https://{org}.crm.dynamics.com/api/data/v9.2/).
//
// Cursor design (see docs/integrations/microsoftDynamics.md):
// - `GET {org}/api/data/v9.2/{entitySet}?$filter=<ts> ge <instant>&$orderby=<ts> asc,<id> asc` with
//   `Prefer: odata.maxpagesize=200`: rows whose timestamp (`createdon` for "created", `modifiedon` for "updated")
//   is at or after an instant, oldest first. Dataverse writes these to the second (UTC, `Z`).
// - The scan is the SDK's pollByTimestamp: every page is a fresh query from the newest timestamp seen (an
//   `@odata.nextLink` paging cookie is a position in a result set that shifts when rows are modified while we
//   read); only when a whole page shares one second is the nextLink followed inside it, and that second is read
//   once more on the next poll (bounded by `and <ts> lt <next second>`).
// - The next poll starts OVERLAP before the newest timestamp seen; re-reads are harmless (keys are stored once).
//   Baseline: the last BASELINE_LOOKBACK, recorded as seen and never delivered.
// - Keys: the row id (created); `id:v<versionnumber>` (updated; every update raises the row version, even two in
//   one second), or `id:<modifiedon ms>` when the row has no versionnumber. The creation is not an update.
// - Why not change tracking (`Prefer: odata.track-changes`, delta links): it must be enabled per table by an
//   administrator, and the first request returns the whole table. Why not webhooks: Dataverse sends them only for
//   steps registered with the Plug-in Registration tool (serviceendpoint + sdkmessageprocessingstep), a
//   customization of the organization, not something a connected user's token should do to it.
import { pollByTimestamp, ProviderError, providerErrorFor, type HttpClient, type HttpResponse, type Item, type PollContext, type PollResult, type TimestampPosition } from '../../sdk/index.js';

export const API_PATH = '/api/data/v9.2';
export const PAGE_SIZE = 200;
export const OVERLAP_MS = 5 * 60_000;
export const BASELINE_LOOKBACK_MS = 5 * 60_000;
/** Fresh queries per poll past the first; the next poll continues where this one stopped. */
export const MAX_ANCHORS = 25;
/** A 429 without Retry-After (service protection limits are evaluated over a 5-minute sliding window). */
export const RATE_LIMIT_PAUSE_MS = 60_000;
const SECOND = 1000;

/** The tables a trigger may watch: logical name → entity set and primary key column. */
export const TABLES = {
  lead: { label: 'Lead', entitySet: 'leads', id: 'leadid' },
  contact: { label: 'Contact', entitySet: 'contacts', id: 'contactid' },
  account: { label: 'Account', entitySet: 'accounts', id: 'accountid' },
  opportunity: { label: 'Opportunity', entitySet: 'opportunities', id: 'opportunityid' },
} as const;
export type TableName = keyof typeof TABLES;

export interface DynamicsParams {
  recordType: string;
}

export interface DataverseRow {
  createdon?: string;
  modifiedon?: string;
  versionnumber?: number | string;
  [column: string]: unknown;
}

interface RowsPage {
  value?: DataverseRow[];
  '@odata.nextLink'?: string;
}

export type RecordCursor = TimestampPosition & { v: 1 };

// ── organization URL ─────────────────────────────────────────────────────────────────────────────────
function checkedOrigin(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return null;
  return url.origin;
}

/** The organization's Web API origin (https://contoso.crm.dynamics.com), saved as `orgUrl` at connect time. */
export function orgUrl(extra: Record<string, unknown>): string {
  if (extra.orgUrl === undefined || extra.orgUrl === null || extra.orgUrl === '') {
    throw new ProviderError('permanent', 'the Dynamics 365 credential has no orgUrl; reconnect the account');
  }
  const origin = checkedOrigin(extra.orgUrl);
  if (!origin) throw new ProviderError('permanent', 'the Dynamics 365 credential has an invalid orgUrl; reconnect the account');
  return origin;
}

/**
 * The organization a token was granted for, from the granted scopes (`https://contoso.crm.dynamics.com/user_impersonation`
 * or `…/.default`): Entra ID tokens for Dataverse are issued for one organization's URL.
 */
export function orgFromScope(scope: unknown): string | null {
  if (typeof scope !== 'string') return null;
  for (const s of scope.split(/\s+/)) {
    if (!/\/(user_impersonation|\.default)$/.test(s)) continue;
    const origin = checkedOrigin(s);
    if (origin) return origin;
  }
  return null;
}

// ── errors ───────────────────────────────────────────────────────────────────────────────────────────
/**
 * The Web API answers errors as `{error: {code, message}}` (code like 0x8006088a). 401 is refreshed and
 * classified by the HTTP client before it gets here. 429 is a service protection limit (Retry-After in seconds);
 * 5xx transient; the rest permanent with Dataverse's message.
 */
export function dataverseError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? (res.body as { error?: unknown }).error : undefined) as { code?: unknown; message?: unknown } | undefined;
  const code = typeof body?.code === 'string' ? body.code : undefined;
  const message = typeof body?.message === 'string' ? body.message.slice(0, 300) : undefined;
  const text = `Dataverse ${code ?? `HTTP ${res.status}`}${message ? `: ${message}` : ''}`;
  return providerErrorFor(res, text, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}

const ALLOWED = [400, 403, 404, 405, 412, 429, 500, 502, 503, 504];

export async function dataverseGet<T>(ctx: { http: HttpClient; now: () => number }, path: string, query?: Record<string, string>, headers?: Record<string, string>): Promise<T> {
  const res = await ctx.http.request<T>({ path, ...(query ? { query } : {}), ...(headers ? { headers } : {}), allowStatus: ALLOWED });
  if (res.status >= 400) throw dataverseError(res, ctx.now());
  return res.body;
}

/** `GET {org}/api/data/v9.2/WhoAmI`: the signed-in user and organization ids. */
export async function whoAmI(http: HttpClient, org: string): Promise<{ UserId: string; OrganizationId: string; BusinessUnitId?: string }> {
  const r = await dataverseGet<{ UserId?: unknown; OrganizationId?: unknown; BusinessUnitId?: unknown }>({ http, now: Date.now }, `${org}${API_PATH}/WhoAmI`);
  if (typeof r?.UserId !== 'string' || typeof r.OrganizationId !== 'string') throw new ProviderError('permanent', 'Dataverse WhoAmI answered without UserId and OrganizationId');
  return { UserId: r.UserId, OrganizationId: r.OrganizationId, ...(typeof r.BusinessUnitId === 'string' ? { BusinessUnitId: r.BusinessUnitId } : {}) };
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────────────
export function validateTable(value: unknown): string | null {
  return typeof value === 'string' && Object.hasOwn(TABLES, value) ? null : `must be one of ${Object.keys(TABLES).join(', ')}`;
}

/** An instant as an OData DateTimeOffset literal, to the second, UTC. */
export function odataInstant(t: number): string {
  return new Date(Math.floor(t / SECOND) * SECOND).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function rowTime(r: DataverseRow, field: 'createdon' | 'modifiedon'): number {
  const v = r[field];
  return typeof v === 'string' ? Date.parse(v) : Number.NaN;
}

export function rowId(r: DataverseRow, table: TableName): string | null {
  const id = r[TABLES[table].id];
  return typeof id === 'string' && id !== '' ? id : null;
}

function parseCursor(raw: unknown): RecordCursor | null {
  const c = raw as Partial<RecordCursor> | null;
  if (!c || c.v !== 1 || typeof c.from !== 'number' || !Number.isFinite(c.from)) return null;
  return { v: 1, from: c.from, ...(typeof c.recheck === 'number' && Number.isFinite(c.recheck) ? { recheck: c.recheck } : {}) };
}

export async function pollRows(
  ctx: PollContext<DynamicsParams>,
  field: 'createdon' | 'modifiedon',
  select: (r: DataverseRow, id: string, table: TableName) => Item | null,
): Promise<PollResult> {
  const problem = validateTable(ctx.params.recordType);
  if (problem) throw new ProviderError('permanent', `recordType ${problem}`);
  const table = ctx.params.recordType as TableName;
  const { entitySet, id } = TABLES[table];
  const org = orgUrl(ctx.credential.extra);
  const path = `${org}${API_PATH}/${entitySet}`;
  const at: RecordCursor = parseCursor(ctx.cursor) ?? { v: 1, from: ctx.now() - BASELINE_LOOKBACK_MS };
  const prefer = { prefer: `odata.maxpagesize=${PAGE_SIZE}` };

  const r = await pollByTimestamp<DataverseRow>(
    {
      async page({ from, until, token }) {
        let res: RowsPage;
        if (token) {
          res = await dataverseGet<RowsPage>(ctx, token, undefined, prefer);
        } else {
          const filter = `${field} ge ${odataInstant(from)}${until !== undefined ? ` and ${field} lt ${odataInstant(until)}` : ''}`;
          res = await dataverseGet<RowsPage>(ctx, path, { $filter: filter, $orderby: `${field} asc,${id} asc` }, prefer);
        }
        const items = (res?.value ?? []).filter((x) => x && typeof x === 'object' && rowId(x, table) !== null);
        const next = res?.['@odata.nextLink'];
        // A nextLink is followed only on the organization's own Web API (never to another host).
        const follow = typeof next === 'string' && next.startsWith(`${path}?`) && items.length > 0;
        return { items, ...(follow ? { next } : {}) };
      },
      timestampOf: (x) => rowTime(x, field),
      boundOf: (t) => Math.floor(t / SECOND),
      maxAnchors: MAX_ANCHORS,
    },
    at,
    OVERLAP_MS,
  );
  if (!r.complete) ctx.log.info('dynamics poll stopped at the query cap; the next poll continues', { table, from: new Date(r.next.from).toISOString() });

  const found = new Map<string, Item>();
  for (const row of r.items) {
    const item = select(row, rowId(row, table)!, table);
    if (item) found.set(item.key, item);
  }
  return { items: [...found.values()], cursor: { v: 1, ...r.next } satisfies RecordCursor };
}
