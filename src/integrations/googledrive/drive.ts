// Google Drive API v3: the changes feed (changes.getStartPageToken, changes.list) and the rules that
// sort a change into "file created" or "file updated".
import { ProviderError, type HttpClient, type Item } from '../../sdk/index.js';
import { googleRequest } from '../../sdk/providers/google.js';

export const DRIVE_CHANGES_DOCS = 'https://developers.google.com/workspace/drive/api/reference/rest/v3/changes/list';

/** changes.list allows pageSize up to 1000. */
const PAGE_SIZE = 1000;
/** Pages per poll: a huge backlog is worked through over several polls (the cursor keeps the position). */
export const MAX_PAGES_PER_POLL = 20;
/**
 * A file whose modifiedTime is this close to its createdTime is still being created (Docs editors save
 * right after creating a file), not updated.
 */
export const CREATION_GRACE_MS = 10_000;

const FILE_FIELDS = [
  'kind', 'id', 'name', 'mimeType', 'description', 'starred', 'trashed', 'parents', 'webViewLink', 'webContentLink',
  'iconLink', 'createdTime', 'modifiedTime', 'modifiedByMeTime', 'size', 'version', 'md5Checksum', 'fileExtension',
  'originalFilename', 'owners', 'lastModifyingUser', 'shared', 'driveId',
].join(',');
export const CHANGES_FIELDS = `nextPageToken,newStartPageToken,changes(kind,changeType,removed,fileId,time,driveId,file(${FILE_FIELDS}))`;

export interface DriveParams {
  supportsAllDrives?: boolean;
  /** Comma-separated folder ids (`root` = My Drive's root); empty = any folder. */
  parentId?: string;
}

/** The File resource (the fields requested above). */
export interface DriveFile {
  id: string;
  name?: string;
  mimeType?: string;
  trashed?: boolean;
  parents?: string[];
  createdTime?: string;
  modifiedTime?: string;
  [field: string]: unknown;
}

export interface DriveChange {
  changeType?: string;
  removed?: boolean;
  fileId?: string;
  time?: string;
  file?: DriveFile;
}

interface ChangeList {
  changes?: DriveChange[];
  nextPageToken?: string;
  newStartPageToken?: string;
}

export function parseParentIds(value: string | undefined): string[] {
  return (value ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
}

const allDrives = (params: DriveParams) =>
  params.supportsAllDrives === true ? { supportsAllDrives: true, includeItemsFromAllDrives: true } : {};

export async function startPageToken(http: HttpClient, params: DriveParams): Promise<string> {
  const res = await googleRequest<{ startPageToken?: unknown }>(http, {
    path: '/drive/v3/changes/startPageToken',
    query: { ...(params.supportsAllDrives === true ? { supportsAllDrives: true } : {}) },
  });
  if (typeof res.body?.startPageToken !== 'string') throw new ProviderError('permanent', 'Google Drive answered changes.getStartPageToken without a startPageToken');
  return res.body.startPageToken;
}

/** The id behind the `root` alias (parents lists hold real ids). */
export async function rootFolderId(http: HttpClient): Promise<string> {
  const res = await googleRequest<{ id?: unknown }>(http, { path: '/drive/v3/files/root', query: { fields: 'id' } });
  if (typeof res.body?.id !== 'string') throw new ProviderError('permanent', 'Google Drive answered files.get(root) without an id');
  return res.body.id;
}

export type ChangesOutcome =
  | { kind: 'ok'; changes: DriveChange[]; /** where the next poll continues */ pageToken: string; /** set when the feed was read to its end */ newStartPageToken?: string }
  /** The server refused the page token. */
  | { kind: 'rejected'; status: number };

/** Reads the changes feed from `pageToken`, page by page, up to MAX_PAGES_PER_POLL pages. */
export async function listChanges(http: HttpClient, params: DriveParams, pageToken: string): Promise<ChangesOutcome> {
  const changes: DriveChange[] = [];
  let token = pageToken;
  for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
    const res = await googleRequest<ChangeList>(http, {
      path: '/drive/v3/changes',
      query: { pageToken: token, pageSize: PAGE_SIZE, includeRemoved: false, spaces: 'drive', fields: CHANGES_FIELDS, ...allDrives(params) },
      // Only the first token can be bad (a stored one); later ones come straight from Google.
      allowStatus: page === 0 ? [400, 404] : [],
    });
    if (res.status === 400 || res.status === 404) return { kind: 'rejected', status: res.status };
    changes.push(...(res.body?.changes ?? []));
    if (res.body?.newStartPageToken) return { kind: 'ok', changes, pageToken: res.body.newStartPageToken, newStartPageToken: res.body.newStartPageToken };
    if (!res.body?.nextPageToken) throw new ProviderError('permanent', 'Google Drive ended a changes list without nextPageToken or newStartPageToken');
    token = res.body.nextPageToken;
  }
  return { kind: 'ok', changes, pageToken: token };
}

const time = (iso: unknown): number => (typeof iso === 'string' ? Date.parse(iso) : Number.NaN);

export type DriveKind = 'created' | 'updated';

export interface ChangeWindow {
  /** When the subscription started: files created (or versions modified) earlier are not reported. */
  baselineAt: number;
  /** Real folder ids to match against `parents` (empty: any folder). */
  parentIds: string[];
}

/**
 * Items from a batch of changes. created: a file whose createdTime is after the subscription started,
 * once (key: file id) — first seen in a watched folder, so a new file moved into the folder counts.
 * updated: a version of a file (key: id + modifiedTime) modified after the subscription started and
 * more than CREATION_GRACE_MS after its creation; changes that do not modify the content or name
 * (sharing, starring, viewing) keep the modifiedTime, hence the key, and are not reported again.
 * Trashed files and removals are neither.
 */
export function changeItems(kind: DriveKind, changes: DriveChange[], w: ChangeWindow): Item[] {
  const items: Item[] = [];
  for (const change of changes) {
    const file = change.file;
    if (change.removed === true || !file || typeof file.id !== 'string' || file.trashed === true) continue;
    if (change.changeType !== undefined && change.changeType !== 'file') continue;
    if (w.parentIds.length > 0 && !(file.parents ?? []).some((p) => w.parentIds.includes(p))) continue;
    const created = time(file.createdTime);
    const modified = time(file.modifiedTime);
    if (kind === 'created') {
      if (Number.isNaN(created) || created < w.baselineAt) continue;
      items.push({ key: file.id, payload: file, occurredAt: created });
    } else {
      if (Number.isNaN(modified) || modified < w.baselineAt) continue;
      if (!Number.isNaN(created) && modified - created < CREATION_GRACE_MS) continue;
      items.push({ key: `${file.id}:${file.modifiedTime}`, payload: file, occurredAt: modified });
    }
  }
  return items;
}
