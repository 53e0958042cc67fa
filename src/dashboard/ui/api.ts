/// <reference lib="dom" />
// Every call the dashboard makes: same-origin fetch with the session cookie; state changes carry the CSRF
// token (the value of the csrf cookie, echoed in a header). Errors come back as ApiError with the API's
// message, code and — for a 400 about one parameter — the parameter's name.

export const ADMIN = '/admin/v1';
const CSRF_HEADER = 'x-csrf-token';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly parameter: string | null,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

let csrfFallback = '';
let onUnauthorized: () => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfFallback = token;
}

/** Called when the session has ended (401): the app shows the sign-in page. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

function csrfToken(): string {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'ot_csrf' || name === '__Host-ot_csrf') return rest.join('=');
  }
  return csrfFallback;
}

/** Which parameter a 400 is about: meta.parameter when given, else the `parameters.<id>:` prefix of the message. */
function parameterOf(body: { message?: string; meta?: { parameter?: unknown } }): string | null {
  if (typeof body.meta?.parameter === 'string') return body.meta.parameter;
  const m = /^(?:body\.)?parameters\.([A-Za-z0-9_-]+)/.exec(body.message ?? '');
  return m?.[1] ?? null;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers[CSRF_HEADER] = csrfToken();
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError('The service could not be reached. Check that it is running, then try again.', 0, 'NETWORK', null, null);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!res.ok) {
    const b = (json ?? {}) as { message?: string; code?: string; meta?: { requestId?: string; parameter?: unknown } };
    if (res.status === 401 && !path.startsWith('/dashboard/api/session')) onUnauthorized();
    throw new ApiError(b.message ?? `${res.status} ${res.statusText}`, res.status, b.code ?? 'HTTP_ERROR', parameterOf(b), b.meta?.requestId ?? null);
  }
  return json as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** A query string from the set values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s === '' ? '' : `?${s}`;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.requestId ? `${err.message} (request ${err.requestId})` : err.message;
  return err instanceof Error ? err.message : String(err);
}
