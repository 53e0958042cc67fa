// The polling source shared by GOOGLE_DRIVE_TRIGGER_FILE_CREATED and GOOGLE_DRIVE_TRIGGER_FILE_UPDATED:
// the Drive changes feed. Nothing is time-windowed: the feed is a log position (page token), and
// created/updated are decided per file from its createdTime/modifiedTime (see drive.ts changeItems).
//
// Cursor: `{ pageToken, restartToken, baselineAt, rootId? }`.
//   - baseline poll: changes.getStartPageToken (nothing reported; the token does not expire);
//   - each poll: changes.list from `pageToken`, following nextPageToken until newStartPageToken, which
//     becomes both `pageToken` and `restartToken`; after MAX_PAGES_PER_POLL pages the poll stops and
//     the next one continues from the last nextPageToken (the engine commits items and cursor together);
//   - a refused page token (400/404) is discarded and the feed is re-read from `restartToken` (Google's
//     advice for nextPageToken); keys dedupe the re-read. If even that is refused, the feed restarts at
//     a fresh start token and a warning is logged.
import { ProviderError, type PollSource } from '../../../sdk/index.js';
import { changeItems, listChanges, parseParentIds, rootFolderId, startPageToken, type DriveKind, type DriveParams } from '../drive.js';

interface Cursor {
  pageToken: string;
  restartToken: string;
  baselineAt: number;
  /** The real id of My Drive's root, when `parentId` names `root`. */
  rootId?: string;
}

function readCursor(c: unknown): Cursor | null {
  const o = c as Partial<Cursor> | null;
  if (!o || typeof o !== 'object' || typeof o.pageToken !== 'string') return null;
  return {
    pageToken: o.pageToken,
    restartToken: typeof o.restartToken === 'string' ? o.restartToken : o.pageToken,
    baselineAt: typeof o.baselineAt === 'number' ? o.baselineAt : 0,
    ...(typeof o.rootId === 'string' ? { rootId: o.rootId } : {}),
  };
}

export function driveChangesSource(kind: DriveKind): PollSource<DriveParams> {
  return {
    kind: 'poll',
    async poll(ctx) {
      const cursor = readCursor(ctx.cursor);
      const wanted = parseParentIds(ctx.params.parentId);
      let rootId = cursor?.rootId;
      if (wanted.includes('root') && rootId === undefined) rootId = await rootFolderId(ctx.http);
      const parentIds = wanted.map((p) => (p === 'root' && rootId !== undefined ? rootId : p));
      if (cursor === null) {
        const token = await startPageToken(ctx.http, ctx.params);
        return { items: [], cursor: { pageToken: token, restartToken: token, baselineAt: ctx.now(), ...(rootId !== undefined ? { rootId } : {}) } };
      }
      let from = cursor.pageToken;
      let r = await listChanges(ctx.http, ctx.params, from);
      if (r.kind === 'rejected' && from !== cursor.restartToken) {
        ctx.log.info('Google Drive refused the page token; re-reading the changes from the last start token', { status: r.status });
        from = cursor.restartToken;
        r = await listChanges(ctx.http, ctx.params, from);
      }
      if (r.kind === 'rejected') {
        ctx.log.warn('Google Drive refused the stored start page token; restarting the changes feed from now', { status: r.status });
        const token = await startPageToken(ctx.http, ctx.params);
        return { items: [], cursor: { ...cursor, pageToken: token, restartToken: token, ...(rootId !== undefined ? { rootId } : {}) } };
      }
      if (r.pageToken === '') throw new ProviderError('permanent', 'Google Drive returned an empty page token');
      const items = changeItems(kind, r.changes, { baselineAt: cursor.baselineAt, parentIds });
      return {
        items,
        cursor: {
          pageToken: r.pageToken,
          restartToken: r.newStartPageToken ?? cursor.restartToken,
          baselineAt: cursor.baselineAt,
          ...(rootId !== undefined ? { rootId } : {}),
        },
      };
    },
  };
}
