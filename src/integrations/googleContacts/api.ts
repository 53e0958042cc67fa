// Google People API v1 (people.googleapis.com): people.connections.list, the authenticated user's contacts,
// read with sync tokens.
//   https://developers.google.com/people/api/rest/v1/people.connections/list
//
// A full sync (no syncToken, requestSyncToken=true) lists every contact and returns `nextSyncToken` on its
// last page; a sync request (syncToken) lists the contacts changed since, deleted ones as a person with
// `metadata.deleted: true`. With a pageToken or a syncToken every other parameter must match the first call,
// so the query below is always the same. Sync tokens expire 7 days after the full sync: Google answers with a
// google.rpc.ErrorInfo whose reason is EXPIRED_SYNC_TOKEN (seen as HTTP 400 "Sync token is expired…"; 410 is
// accepted too), and the client must sync in full again.
import { ProviderError, type HttpClient } from '../../sdk/index.js';
import { googleErrorMessage, googleErrorReasons, googleRequest } from '../../sdk/providers/google.js';

export const CONNECTIONS_LIST_DOCS = 'https://developers.google.com/people/api/rest/v1/people.connections/list';

/** "Valid values are between 1 and 1000, inclusive." */
export const PAGE_SIZE = 1000;
/** The person fields every trigger delivers; `metadata` carries `deleted` and `sources[].updateTime`. */
export const PERSON_FIELDS = 'names,emailAddresses,phoneNumbers,organizations,metadata';

export interface PersonSource {
  type?: string;
  id?: string;
  etag?: string;
  updateTime?: string;
}

export interface Person {
  resourceName: string;
  etag?: string;
  metadata?: { sources?: PersonSource[]; deleted?: boolean; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ConnectionsPage {
  people: Person[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

export type ListOutcome = { kind: 'ok'; page: ConnectionsPage } | { kind: 'expired' };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Whether an error answer is Google's "sync token expired" (reason EXPIRED_SYNC_TOKEN or its message). */
export function isExpiredSyncToken(body: unknown): boolean {
  if (googleErrorReasons(body).includes('EXPIRED_SYNC_TOKEN')) return true;
  return /sync token is expired/i.test(googleErrorMessage(body));
}

/**
 * One page of people.connections.list. `syncToken` absent means a full sync. An expired sync token is
 * returned as `{ kind: 'expired' }`; any other 400 is permanent (with Google's message, never the token).
 */
export async function listConnections(http: HttpClient, q: { syncToken?: string; pageToken?: string }): Promise<ListOutcome> {
  const query: Record<string, string> = { personFields: PERSON_FIELDS, pageSize: String(PAGE_SIZE), requestSyncToken: 'true' };
  if (q.syncToken !== undefined) query.syncToken = q.syncToken;
  if (q.pageToken !== undefined) query.pageToken = q.pageToken;
  const res = await googleRequest<{ connections?: unknown; nextPageToken?: unknown; nextSyncToken?: unknown }>(http, {
    path: '/v1/people/me/connections',
    query,
    allowStatus: [400, 410],
  });
  if (res.status === 400 || res.status === 410) {
    if (q.syncToken !== undefined && isExpiredSyncToken(res.body)) return { kind: 'expired' };
    throw new ProviderError('permanent', `Google Contacts answered HTTP ${res.status}: ${googleErrorMessage(res.body) || 'bad request'}`, res.status);
  }
  const raw = Array.isArray(res.body?.connections) ? (res.body.connections as unknown[]) : [];
  const people = raw.filter((p): p is Person => str((p as Person | null)?.resourceName) !== undefined);
  const page: ConnectionsPage = { people };
  const next = str(res.body?.nextPageToken);
  const sync = str(res.body?.nextSyncToken);
  if (next !== undefined) page.nextPageToken = next;
  if (sync !== undefined) page.nextSyncToken = sync;
  return { kind: 'ok', page };
}

/** The contact source's last update (RFC 3339), the best "version" of a contact; else the person's etag. */
export function contactUpdateTime(p: Person): string | undefined {
  const sources = Array.isArray(p.metadata?.sources) ? p.metadata.sources : [];
  const contact = sources.find((s) => s?.type === 'CONTACT' && typeof s.updateTime === 'string');
  return contact?.updateTime ?? sources.find((s) => typeof s?.updateTime === 'string')?.updateTime;
}

/** Epoch ms of an RFC 3339 timestamp, or null. */
export function timeOf(ts: unknown): number | null {
  if (typeof ts !== 'string') return null;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? null : ms;
}
