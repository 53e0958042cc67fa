// Reading a OneDrive through Microsoft Graph v1.0. A drive root subscription's notifications name no item
// (https://learn.microsoft.com/onedrive/developer/rest-api/concepts/using-webhooks): every notification, lifecycle
// event and backstop sync reads the changes with the delta query (https://learn.microsoft.com/graph/api/driveitem-delta)
// from the deltaLink kept in the subscription state, and each trigger keeps the changed items it is about.
import { ProviderError, type HttpClient, type Item, type ParameterDefinition } from '../../sdk/index.js';
import { graphId, readAllPages, relativeGraphLink } from '../../sdk/providers/microsoft-graph.js';

export interface DriveParams {
  folderId?: string;
}

/** A driveItem as the delta query returns it (only what we read is typed). */
export interface DriveItem extends Record<string, unknown> {
  id: string;
  name?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  eTag?: string;
  cTag?: string;
  file?: unknown;
  folder?: unknown;
  root?: unknown;
  deleted?: unknown;
  parentReference?: { id?: string; driveId?: string; path?: string };
}

export interface DriveCursor {
  /** Where the next delta round starts. */
  deltaLink: string | null;
  /** When the last round started. */
  syncedAt: number;
}

/** After Graph forgets a delta token (410), items changed this long before the last sync are read again. */
export const RESYNC_OVERLAP_MS = 60 * 60_000;

export const folderIdParameter: ParameterDefinition = {
  id: 'folderId', title: 'Folder', type: 'TEXT', required: false,
  description: 'Only items directly in this folder (a driveItem id, e.g. from GET /me/drive/root:/Reports). Empty: the whole drive.',
  validate: graphId,
};

/** Delta rounds are read 200 items a page (https://learn.microsoft.com/graph/api/driveitem-delta#optional-query-parameters: $top). */
const DELTA_PATH = '/me/drive/root/delta';
const PAGE = '200';

/** Graph's answer to a delta token it no longer knows: 410 Gone (resyncRequired). */
const syncStateLost = (err: unknown) => err instanceof ProviderError && (err.status === 410 || /resync/i.test(err.message));

/**
 * The cursor at subscribe time: `token=latest` answers no items and a deltaLink from now on, so the baseline
 * costs one request whatever the drive's size (https://learn.microsoft.com/graph/api/driveitem-delta#function-parameters).
 */
export async function startDriveCursor(http: HttpClient, baselineAt: number): Promise<DriveCursor> {
  const r = await readAllPages<DriveItem>(http, { path: DELTA_PATH, query: { token: 'latest' } });
  return { deltaLink: r.deltaLink, syncedAt: baselineAt };
}

/**
 * The items changed since the cursor. After a lost token a full round enumerates the drive's current items:
 * those modified since a while before the last sync are kept (keys drop what was already delivered); deletions
 * in that window are not seen again.
 */
export async function readDriveChanges(http: HttpClient, cursor: unknown, baselineAt: number, now: number): Promise<{ items: DriveItem[]; cursor: DriveCursor }> {
  const c = (cursor ?? {}) as Partial<DriveCursor>;
  if (typeof c.deltaLink === 'string') {
    try {
      const r = await readAllPages<DriveItem>(http, { path: relativeGraphLink(c.deltaLink) });
      return { items: r.values.filter((i) => typeof i?.id === 'string'), cursor: { deltaLink: r.deltaLink, syncedAt: now } };
    } catch (err) {
      if (!syncStateLost(err)) throw err;
    }
  }
  const from = Math.max(baselineAt, (Number(c.syncedAt) || baselineAt) - RESYNC_OVERLAP_MS);
  const r = await readAllPages<DriveItem>(http, { path: DELTA_PATH, query: { $top: PAGE } });
  const items = r.values.filter((i) => typeof i?.id === 'string' && i.deleted === undefined && time(i.lastModifiedDateTime) >= from);
  return { items, cursor: { deltaLink: r.deltaLink, syncedAt: now } };
}

const time = (s: unknown) => (typeof s === 'string' ? Date.parse(s) : NaN);
const isFile = (i: DriveItem) => i.file !== undefined && i.file !== null;
const inFolder = (i: DriveItem, p: DriveParams) => !p.folderId || i.parentReference?.id === p.folderId;

/**
 * File created: a file (not a folder, not deleted) whose createdDateTime is at or after the subscription's
 * start. Keyed by the item id: a later edit, rename or move of the same file is not a new creation.
 */
export function createdItems(items: DriveItem[], p: DriveParams, baselineAt: number): Item[] {
  return items
    .filter((i) => isFile(i) && i.deleted === undefined && inFolder(i, p) && time(i.createdDateTime) >= baselineAt)
    .map((i) => ({ key: i.id, payload: i, occurredAt: time(i.createdDateTime) }));
}

/**
 * File updated: a file whose content changed after it was created (lastModifiedDateTime later than
 * createdDateTime) and at or after the subscription's start. Keyed by id and cTag (the content tag: it
 * changes with the content, not with a rename or move), else lastModifiedDateTime.
 */
export function updatedItems(items: DriveItem[], p: DriveParams, baselineAt: number): Item[] {
  return items
    .filter((i) => isFile(i) && i.deleted === undefined && inFolder(i, p))
    .filter((i) => time(i.lastModifiedDateTime) >= baselineAt && time(i.lastModifiedDateTime) > time(i.createdDateTime))
    .map((i) => ({ key: `${i.id}:${typeof i.cTag === 'string' ? i.cTag : i.lastModifiedDateTime}`, payload: i, occurredAt: time(i.lastModifiedDateTime) }));
}

/**
 * File change (Paragon's ONEDRIVE_TRIGGER_FILE_CHANGE): any change the delta query reports for a file or
 * folder below the root (created, modified, renamed, moved, deleted), the root itself excluded. Keyed by id
 * and eTag (every change gives a new one), `id:deleted` for a deletion, else lastModifiedDateTime.
 */
export function changedItems(items: DriveItem[], p: DriveParams): Item[] {
  return items
    .filter((i) => i.root === undefined && inFolder(i, p))
    .map((i) => {
      const version = i.deleted !== undefined ? 'deleted' : typeof i.eTag === 'string' ? i.eTag : String(i.lastModifiedDateTime);
      const at = time(i.lastModifiedDateTime);
      return { key: `${i.id}:${version}`, payload: i, ...(Number.isFinite(at) ? { occurredAt: at } : {}) };
    });
}
