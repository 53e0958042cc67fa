// A fake Google Drive API v3 over real HTTP (on the shared Google fake: auth, token endpoint, failures).
//
// As documented: changes.getStartPageToken (`supportsAllDrives`), changes.list (`pageToken` required;
// a file appears once, at the position of its latest change; `pageSize` ≤ 1000 and the fake's own page
// size; `nextPageToken` until the last page, which carries `newStartPageToken`; shared-drive items only
// with supportsAllDrives + includeItemsFromAllDrives; `includeRemoved`; 400 Invalid Value for a page
// token it does not accept), files.get(root), about.get. Changes to metadata that is not content
// (sharing, starring) keep modifiedTime, as Drive does.
import { randomBytes } from 'node:crypto';
import file from '../../src/integrations/googledrive/fixtures/file.json' with { type: 'json' };
import { googleError, startGoogleFake, type GoogleFake } from './google-calendar.js';

export interface FakeFile {
  kind: 'drive#file';
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
  version: string;
  driveId?: string;
  [field: string]: unknown;
}

interface ChangeEntry {
  seq: number;
  fileId: string;
  time: string;
  removed: boolean;
  driveId?: string;
}

export interface FakeGoogleDrive extends GoogleFake {
  rootId: string;
  files: Map<string, FakeFile>;
  pageSize: number;
  /** Page tokens below this number are refused (400 Invalid Value). */
  minValidToken: number;
  createFile(opts?: Partial<FakeFile>): FakeFile;
  /** A content or name change: new modifiedTime and version. */
  modifyFile(id: string, patch?: Partial<FakeFile>): FakeFile;
  /** A change that does not touch content (sharing, starring): a change entry, same modifiedTime. */
  touchFile(id: string, patch?: Partial<FakeFile>): FakeFile;
  moveFile(id: string, parents: string[]): FakeFile;
  trashFile(id: string): void;
  deleteFile(id: string): void;
  currentToken(): string;
}

export async function startFakeGoogleDrive(opts: { now?: () => number } = {}): Promise<FakeGoogleDrive> {
  const now = opts.now ?? Date.now;
  let seq = 100;
  let changes: ChangeEntry[] = [];
  const iso = () => new Date(now()).toISOString();

  const record = (f: FakeFile, removed = false) => {
    changes = changes.filter((c) => c.fileId !== f.id);
    changes.push({ seq: ++seq, fileId: f.id, time: iso(), removed, ...(f.driveId ? { driveId: f.driveId } : {}) });
  };

  const base = await startGoogleFake(({ method, url }) => {
    const q = url.searchParams;
    const p = url.pathname;
    if (method === 'GET' && p === '/drive/v3/changes/startPageToken') return { status: 200, body: { kind: 'drive#startPageToken', startPageToken: String(seq + 1) } };
    if (method === 'GET' && p === '/drive/v3/changes') {
      const token = Number(q.get('pageToken'));
      if (!q.get('pageToken') || !Number.isInteger(token) || token < fake.minValidToken || token > seq + 1) {
        return { status: 400, body: { error: { errors: [{ domain: 'global', reason: 'invalid', message: 'Invalid Value', locationType: 'parameter', location: 'pageToken' }], code: 400, message: 'Invalid Value' } } };
      }
      const allDrives = q.get('supportsAllDrives') === 'true' && q.get('includeItemsFromAllDrives') === 'true';
      const includeRemoved = q.get('includeRemoved') !== 'false';
      const size = Math.max(1, Math.min(Number(q.get('pageSize') ?? '100') || 100, 1000, fake.pageSize));
      const pending = changes.filter((c) => c.seq >= token && (allDrives || !c.driveId));
      const pageEntries = pending.slice(0, size);
      const out = pageEntries
        .filter((c) => includeRemoved || !c.removed)
        .map((c) => {
          const f = fake.files.get(c.fileId);
          return {
            kind: 'drive#change', changeType: 'file', removed: c.removed || !f, fileId: c.fileId, time: c.time,
            ...(c.driveId ? { driveId: c.driveId } : {}),
            ...(f && !c.removed ? { file: structuredClone(f) } : {}),
          };
        });
      const body: Record<string, unknown> = { kind: 'drive#changeList', changes: out };
      if (pending.length > size) body.nextPageToken = String(pending[size]!.seq);
      else body.newStartPageToken = String(seq + 1);
      return { status: 200, body };
    }
    if (method === 'GET' && p === '/drive/v3/files/root') return { status: 200, body: { id: fake.rootId } };
    if (method === 'GET' && p === '/drive/v3/about') {
      return { status: 200, body: { user: { kind: 'drive#user', displayName: 'Larry Page', emailAddress: 'lpage@example.com', me: true, permissionId: '08394763028574092837' } } };
    }
    const get = /^\/drive\/v3\/files\/([^/]+)$/.exec(p);
    if (method === 'GET' && get) {
      const f = fake.files.get(get[1]!);
      return f ? { status: 200, body: structuredClone(f) } : googleError(404, 'notFound', `File not found: ${get[1]}.`);
    }
    return undefined;
  });

  const fake: FakeGoogleDrive = Object.assign(base, {
    rootId: '0AJ5bGWVKHzCXUk9PVA',
    files: new Map<string, FakeFile>(),
    pageSize: 1000,
    minValidToken: 0,
    createFile(o: Partial<FakeFile> = {}) {
      const at = iso();
      const f: FakeFile = {
        ...structuredClone(file),
        kind: 'drive#file', id: o.id ?? randomBytes(16).toString('base64url'), name: 'Untitled', mimeType: 'application/vnd.google-apps.document',
        parents: [fake.rootId], trashed: false, createdTime: at, modifiedTime: at, modifiedByMeTime: at, version: '1', ...o,
      };
      fake.files.set(f.id, f);
      record(f);
      return structuredClone(f);
    },
    modifyFile(id: string, patch: Partial<FakeFile> = {}) {
      const f = fake.files.get(id);
      if (!f) throw new Error(`no file ${id}`);
      const at = iso();
      Object.assign(f, patch, { modifiedTime: at, modifiedByMeTime: at, version: String(Number(f.version) + 1) });
      record(f);
      return structuredClone(f);
    },
    touchFile(id: string, patch: Partial<FakeFile> = {}) {
      const f = fake.files.get(id);
      if (!f) throw new Error(`no file ${id}`);
      Object.assign(f, patch, { version: String(Number(f.version) + 1) });
      record(f);
      return structuredClone(f);
    },
    moveFile(id: string, parents: string[]) {
      return fake.touchFile(id, { parents });
    },
    trashFile(id: string) {
      fake.touchFile(id, { trashed: true });
    },
    deleteFile(id: string) {
      const f = fake.files.get(id);
      if (!f) throw new Error(`no file ${id}`);
      fake.files.delete(id);
      record(f, true);
    },
    currentToken: () => String(seq + 1),
  });
  return fake;
}
