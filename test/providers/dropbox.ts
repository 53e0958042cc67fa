// A fake Dropbox over real HTTP: a small file system with a change journal behind the RPC routes the
// integration uses —
// - `POST /2/files/list_folder/get_latest_cursor` and `/2/files/list_folder/continue`: cursors are positions in
//   the journal for a path (recursive or not); `continue` returns, per changed path, its CURRENT state (file,
//   folder or `deleted`), pages of `limit` entries with `has_more`; a cursor invalidated by `resetCursors()`
//   answers 409 `reset`. As on Dropbox, a deleted folder is one `deleted` entry and a move is a `deleted` entry
//   at the old path plus the file (same id) at the new one.
// - `POST /2/files/list_revisions` (modes `id` and `path`, `is_deleted`, `server_deleted`; 409 `path/not_found`,
//   `path/not_file`), `POST /2/users/get_current_account`,
// - the OAuth token endpoint (`authorization_code` with PKCE, `refresh_token`; the answer carries `account_id`),
// - 401 `expired_access_token`, 429 `too_many_requests` with `error.retry_after` and `Retry-After`,
// - Dropbox's side of webhooks: `GET ?challenge=` verification and notifications
//   `{"list_folder": {"accounts": [...]}, "delta": {"users": [...]}}` signed `X-Dropbox-Signature` = hex
//   HMAC-SHA256(app secret, body), computed as documented (Dropbox publishes no signing library).
//
// Docs followed: https://www.dropbox.com/developers/documentation/http/documentation (files/list_folder*,
// files/list_revisions, users/get_current_account), https://www.dropbox.com/developers/reference/webhooks,
// https://developers.dropbox.com/oauth-guide, https://developers.dropbox.com/error-handling-guide,
// https://github.com/dropbox/dropbox-api-spec (files.stone, auth.stone)
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

interface Revision { rev: string; server_modified: string; size: number; content_hash: string }
interface FileNode { id: string; name: string; path_lower: string; path_display: string; revisions: Revision[]; deleted?: string; tombstone?: boolean }
interface FolderNode { id: string; name: string; path_lower: string; path_display: string }

export interface FakeDropbox {
  url: string;
  tokenUrl: string;
  appKey: string;
  appSecret: string;
  accountId: string;
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  codes: Set<string>;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  upload(path: string, opts?: { at?: number; size?: number }): Record<string, unknown>;
  mkdir(path: string): void;
  remove(path: string, opts?: { at?: number }): void;
  move(from: string, to: string, opts?: { at?: number }): void;
  /** Invalidate every cursor issued so far (Dropbox's `reset`). */
  resetCursors(): void;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(retryAfterSeconds: number): void;
  notify(url: string, accounts?: string[], opts?: { secret?: string }): Promise<{ status: number; body: string }>;
  challenge(url: string, challenge: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
}

export function dropboxSignature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const parentOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));

export async function startFakeDropbox(opts: { now?: () => number } = {}): Promise<FakeDropbox> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let seq = 0;
  let epoch = 0;
  let ids = 0;
  const files: FileNode[] = [];
  const folders = new Map<string, FolderNode>();
  const journal: Array<{ seq: number; path: string; display: string }> = [];
  const state = {
    appKey: 'fakeappkey123',
    appSecret: 'fake-app-secret',
    accountId: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    codes: new Set<string>(),
    requests: [] as FakeDropbox['requests'],
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const routeError = (res: ServerResponse, summary: string, error: unknown) => json(res, 409, { error_summary: summary, error });
  const notFound = (res: ServerResponse) => routeError(res, 'path/not_found/..', { '.tag': 'path', path: { '.tag': 'not_found' } });
  const readBody = async (req: IncomingMessage): Promise<any> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text === '') return undefined;
    if ((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
    return JSON.parse(text);
  };

  const currentFile = (pathLower: string) => files.find((f) => f.path_lower === pathLower && !f.deleted && !f.tombstone);
  const record = (display: string) => journal.push({ seq: ++seq, path: display.toLowerCase(), display });
  const fileMetadata = (f: FileNode, r: Revision = f.revisions.at(-1)!) => ({
    '.tag': 'file', name: f.name, path_lower: f.path_lower, path_display: f.path_display, id: f.id, client_modified: r.server_modified,
    server_modified: r.server_modified, rev: r.rev, size: r.size, is_downloadable: true, content_hash: r.content_hash,
  });
  const ensureFolders = (display: string) => {
    const parts = display.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const d = `/${parts.slice(0, i).join('/')}`;
      if (!folders.has(d.toLowerCase())) {
        folders.set(d.toLowerCase(), { id: `id:fold${(++ids).toString(36)}AAAAAAAAA`, name: parts[i - 1]!, path_lower: d.toLowerCase(), path_display: d });
        record(d);
      }
    }
  };
  const inScope = (path: string, scope: string, recursive: boolean) => {
    if (scope !== '' && !path.startsWith(`${scope}/`)) return false;
    return recursive || parentOf(path) === scope;
  };
  const encodeCursor = (c: { p: string; r: boolean; s: number; l: number; e: number }) => `AAH${Buffer.from(JSON.stringify(c)).toString('base64url')}`;
  const decodeCursor = (raw: unknown) => {
    if (typeof raw !== 'string' || !raw.startsWith('AAH')) return null;
    try {
      return JSON.parse(Buffer.from(raw.slice(3), 'base64url').toString('utf8')) as { p: string; r: boolean; s: number; l: number; e: number };
    } catch {
      return null;
    }
  };
  const resolveFolder = (path: string): { scope: string } | 'not_found' | 'not_folder' => {
    if (path === '' || path === '/') return { scope: '' };
    const lower = path.toLowerCase();
    if (folders.has(lower)) return { scope: lower };
    return currentFile(lower) ? 'not_folder' : 'not_found';
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = await readBody(req);
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        const authOk = body?.client_id === state.appKey && (body?.client_secret === state.appSecret || typeof body?.code_verifier === 'string');
        if (!authOk) return json(res, 400, { error: 'invalid_client', error_description: 'Invalid client_id or client_secret' });
        if (body.grant_type === 'authorization_code' && state.codes.delete(body.code)) {
          const access = `sl.${randomBytes(24).toString('base64url')}`;
          const refresh = randomBytes(24).toString('base64url');
          state.validTokens.add(access);
          state.refreshTokens.add(refresh);
          return json(res, 200, { access_token: access, expires_in: 14400, token_type: 'bearer', scope: 'files.metadata.read', refresh_token: refresh, account_id: state.accountId, uid: '12345' });
        }
        if (body.grant_type === 'refresh_token' && state.refreshTokens.has(body.refresh_token)) {
          const access = `sl.${randomBytes(24).toString('base64url')}`;
          state.validTokens.add(access);
          return json(res, 200, { access_token: access, expires_in: 14400, token_type: 'bearer' });
        }
        return json(res, 400, { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' });
      }
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !state.validTokens.has(token)) return json(res, 401, { error_summary: 'expired_access_token/..', error: { '.tag': 'expired_access_token' } });
      if (req.method !== 'POST') return json(res, 404, { error_summary: 'not_found' });

      switch (url.pathname) {
        case '/2/users/get_current_account':
          if (body !== null) return json(res, 400, { error_summary: 'Error in call to API function "users/get_current_account": request body: could not decode input as JSON' });
          return json(res, 200, { account_id: state.accountId, name: { display_name: 'Franz Ferdinand (Personal)' }, email: 'franz@dropbox.com', email_verified: true, disabled: false, country: 'US', locale: 'en', account_type: { '.tag': 'basic' } });
        case '/2/files/list_folder/get_latest_cursor': {
          const scope = resolveFolder(String(body?.path ?? ''));
          if (scope === 'not_found') return notFound(res);
          if (scope === 'not_folder') return routeError(res, 'path/not_folder/..', { '.tag': 'path', path: { '.tag': 'not_folder' } });
          return json(res, 200, { cursor: encodeCursor({ p: scope.scope, r: body?.recursive === true, s: seq, l: Number(body?.limit ?? 2000), e: epoch }) });
        }
        case '/2/files/list_folder/continue': {
          const c = decodeCursor(body?.cursor);
          if (!c) return json(res, 400, { error_summary: 'Error in call to API function "files/list_folder/continue": Invalid "cursor" parameter' });
          if (c.e < epoch) return routeError(res, 'reset/..', { '.tag': 'reset' });
          const last = new Map<string, { seq: number; display: string }>();
          for (const j of journal) if (j.seq > c.s && inScope(j.path, c.p, c.r)) last.set(j.path, { seq: j.seq, display: j.display });
          const ordered = [...last.entries()].sort((a, b) => a[1].seq - b[1].seq);
          const taken = ordered.slice(0, c.l);
          const entries = taken.map(([path, { display }]) => {
            const f = currentFile(path);
            if (f) return fileMetadata(f);
            const d = folders.get(path);
            if (d) return { '.tag': 'folder', ...d };
            const name = display.slice(display.lastIndexOf('/') + 1);
            return { '.tag': 'deleted', name, path_lower: path, path_display: display };
          });
          const hasMore = ordered.length > taken.length;
          const nextSeq = hasMore ? taken.at(-1)![1].seq : seq;
          return json(res, 200, { entries, cursor: encodeCursor({ ...c, s: Math.max(nextSeq, c.s) }), has_more: hasMore });
        }
        case '/2/files/list_revisions': {
          const limit = Number(body?.limit ?? 10);
          if (!Number.isInteger(limit) || limit < 1 || limit > 100) return json(res, 400, { error_summary: 'Error in call to API function "files/list_revisions": limit must be between 1 and 100' });
          const mode = body?.mode?.['.tag'] ?? body?.mode ?? 'path';
          const path = String(body?.path ?? '');
          let node: FileNode | undefined;
          if (mode === 'id') {
            node = files.find((f) => f.id === path && !f.tombstone);
          } else {
            const lower = path.toLowerCase();
            if (folders.has(lower)) return routeError(res, 'path/not_file/..', { '.tag': 'path', path: { '.tag': 'not_file' } });
            node = currentFile(lower) ?? files.filter((f) => f.path_lower === lower).at(-1);
          }
          if (!node) return notFound(res);
          const entries = [...node.revisions].reverse().slice(0, limit).map((r) => fileMetadata(node, r));
          return json(res, 200, { is_deleted: Boolean(node.deleted), ...(node.deleted ? { server_deleted: node.deleted } : {}), entries });
        }
        default:
          return json(res, 404, { error_summary: 'Unknown API function' });
      }
    })().catch((err: unknown) => json(res, 500, { error_summary: `internal_error: ${String(err)}` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeDropbox = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/oauth2/token`,
    upload(display: string, o: { at?: number; size?: number } = {}) {
      const at = o.at ?? now();
      ensureFolders(parentOf(display));
      const rev: Revision = { rev: randomBytes(6).toString('hex'), server_modified: iso(at), size: o.size ?? 7212, content_hash: createHash('sha256').update(randomBytes(8)).digest('hex') };
      let f = currentFile(display.toLowerCase());
      if (f) f.revisions.push(rev);
      else {
        f = { id: `id:a4ayc_80_OEAAAAAAA${(++ids).toString(36).padStart(4, '0')}`, name: display.slice(display.lastIndexOf('/') + 1), path_lower: display.toLowerCase(), path_display: display, revisions: [rev] };
        files.push(f);
      }
      record(display);
      return fileMetadata(f);
    },
    mkdir(display: string) {
      ensureFolders(display);
    },
    remove(display: string, o: { at?: number } = {}) {
      const lower = display.toLowerCase();
      const at = iso(o.at ?? now());
      const f = currentFile(lower);
      if (f) {
        f.deleted = at;
        record(display);
        return;
      }
      if (!folders.has(lower)) throw new Error(`fake dropbox: nothing at ${display}`);
      // A folder: everything under it goes, and Dropbox reports ONE deleted entry (the folder).
      for (const x of files) if (!x.deleted && x.path_lower.startsWith(`${lower}/`)) x.deleted = at;
      for (const k of [...folders.keys()]) if (k === lower || k.startsWith(`${lower}/`)) folders.delete(k);
      record(display);
    },
    move(from: string, to: string, o: { at?: number } = {}) {
      const f = currentFile(from.toLowerCase());
      if (!f) throw new Error(`fake dropbox: no file at ${from}`);
      ensureFolders(parentOf(to));
      files.push({ ...f, revisions: [...f.revisions], deleted: iso(o.at ?? now()), tombstone: true });
      Object.assign(f, { path_lower: to.toLowerCase(), path_display: to, name: to.slice(to.lastIndexOf('/') + 1) });
      record(from);
      record(to);
    },
    resetCursors() {
      epoch++;
    },
    failNext(count: number, status: number, body: unknown = { error_summary: 'internal_server_error' }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(retryAfterSeconds: number) {
      failures.push({
        status: 429,
        body: { error_summary: 'too_many_requests/..', error: { reason: { '.tag': 'too_many_requests' }, retry_after: retryAfterSeconds } },
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    },
    async notify(hookUrl: string, accounts: string[] = [state.accountId], o: { secret?: string } = {}) {
      const body = JSON.stringify({ list_folder: { accounts }, delta: { users: accounts.map((_, i) => 12345 + i) } });
      const res = await request(hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'DropboxWebhooks/1.0', 'x-dropbox-signature': dropboxSignature(o.secret ?? state.appSecret, body) },
        body,
      });
      await res.body.text();
      return { status: res.statusCode, body };
    },
    async challenge(hookUrl: string, value: string) {
      const res = await request(`${hookUrl}?challenge=${encodeURIComponent(value)}`, { method: 'GET' });
      return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
