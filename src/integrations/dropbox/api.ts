// Dropbox API v2 RPC calls (`POST https://api.dropboxapi.com/2/<route>` with a JSON body) and Dropbox's error
// shapes: route errors are HTTP 409 `{error_summary, error: {".tag": …}}`, rate limits 429 with
// `error.retry_after` (seconds) and usually `Retry-After`, expired tokens 401 (`expired_access_token`; the HTTP
// client refreshes once and retries).
import { ProviderError, type HttpClient } from '../../sdk/index.js';

/** A route error (HTTP 409): the caller decides what `summary` (e.g. `path/not_found/..`, `reset/..`) means. */
export class DropboxRouteError extends ProviderError {
  constructor(
    readonly summary: string,
    readonly error: unknown,
  ) {
    super('permanent', `Dropbox: ${summary}`, 409);
    this.name = 'DropboxRouteError';
  }
  /** `path/not_found/...` has the path ['path', 'not_found']. */
  is(...tags: string[]): boolean {
    const parts = this.summary.split('/');
    return tags.every((t, i) => parts[i] === t);
  }
}

interface DropboxErrorBody {
  error_summary?: string;
  error?: { '.tag'?: string; retry_after?: number; reason?: { '.tag'?: string } } & Record<string, unknown>;
}

export async function rpc<T>(http: HttpClient, route: string, args: unknown): Promise<T> {
  const res = await http.request<T | DropboxErrorBody | string>({ method: 'POST', path: `/2/${route}`, json: args, allowStatus: [400, 403, 409, 429] });
  if (res.status < 300) return res.body as T;
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as DropboxErrorBody;
  const summary = typeof body.error_summary === 'string' ? body.error_summary : typeof res.body === 'string' ? res.body.slice(0, 200) : `HTTP ${res.status}`;
  if (res.status === 409) throw new DropboxRouteError(summary, body.error);
  if (res.status === 429) {
    const seconds = Number(body.error?.retry_after ?? res.headers['retry-after']);
    throw new ProviderError('rate_limited', `Dropbox rate limit: ${summary}`, 429, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000);
  }
  // 400: a malformed call (our bug or a bad parameter); 403: the app lacks a scope or access.
  throw new ProviderError('permanent', `Dropbox HTTP ${res.status}: ${summary}`, res.status);
}

export interface FileMetadata {
  '.tag': 'file';
  id: string;
  name: string;
  path_lower?: string;
  path_display?: string;
  rev: string;
  server_modified: string;
  client_modified?: string;
  size?: number;
  content_hash?: string;
  [k: string]: unknown;
}

export interface DeletedMetadata {
  '.tag': 'deleted';
  name: string;
  path_lower?: string;
  path_display?: string;
}

export interface FolderMetadata {
  '.tag': 'folder';
  id: string;
  name: string;
  path_lower?: string;
  path_display?: string;
}

export type Metadata = FileMetadata | DeletedMetadata | FolderMetadata;

export interface ListFolderResult {
  entries: Metadata[];
  cursor: string;
  has_more: boolean;
}

export interface ListRevisionsResult {
  is_deleted: boolean;
  server_deleted?: string;
  entries: FileMetadata[];
}
