// The HttpClient handed to triggers: bound to one credential and the integration's apiBaseUrl (the
// project's override wins, so tests and GitHub Enterprise point it elsewhere). It classifies failures
// into ProviderError kinds; the engine, not the trigger, decides what each kind means.
import { request as undiciRequest, type Dispatcher } from 'undici';
import { ProviderError, type CredentialView, type HttpClient, type HttpRequest, type HttpResponse, type IntegrationDefinition } from '../sdk/index.js';
import { parseRetryAfter } from '../delivery/retry-schedule.js';
import { ERR_SSRF_FORBIDDEN_ADDRESS } from '../delivery/ssrf.js';

export interface AuthProvider {
  /** Headers that authenticate a request; `forceRefresh` after a 401 asks for a fresh token first. */
  headers(forceRefresh: boolean): Promise<Record<string, string>>;
  /** Whether a refresh can possibly help after a 401 (false for API keys). */
  canRefresh: boolean;
}

export interface ProviderHttpOptions {
  integration: IntegrationDefinition;
  apiBaseUrl: string;
  auth: AuthProvider;
  /** The credential the calls are made with, for the integration's `credentialHeaders`. */
  credential?: CredentialView;
  signal?: AbortSignal;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /**
   * For requests to an absolute URL on another origin than apiBaseUrl: a host named by credential data or a
   * provider's answer (Salesforce's instance_url, a Zendesk account URL), which a connected user can set through
   * `POST /credentials`. The engine passes a dispatcher that refuses private addresses (src/delivery/ssrf.ts),
   * so such a host cannot turn the service into a proxy to its own network (ADR 0027). apiBaseUrl itself is the
   * operator's (SDK default or project configuration, account parameters filling in one host name label only).
   */
  foreignHostDispatcher?: Dispatcher;
}

const MAX_ERROR_EXCERPT = 300;

function buildUrl(base: string, path: string, query?: HttpRequest['query']): URL {
  const url = /^https?:\/\//.test(path) ? new URL(path) : new URL(base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

function encodeForm(form: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) p.append(k, item);
  return p.toString();
}

export function classifyStatus(status: number, headers: Record<string, string>, excerpt: string, now: number): ProviderError {
  const message = `provider answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
  if (status === 401) return new ProviderError('auth', message, status);
  if (status === 429) {
    const retryAfter = headers['retry-after'] !== undefined ? parseRetryAfter(headers['retry-after'], now) : undefined;
    return new ProviderError('rate_limited', message, status, retryAfter);
  }
  if (status >= 500 || status === 408) return new ProviderError('transient', message, status);
  return new ProviderError('permanent', message, status);
}

export function createProviderHttp(opts: ProviderHttpOptions): HttpClient {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const baseOrigin = originOf(opts.apiBaseUrl);
  async function send<T>(req: HttpRequest, forceRefresh: boolean): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'OpenTriggers',
      ...opts.integration.defaultHeaders,
      ...(opts.credential && opts.integration.credentialHeaders?.(opts.credential)),
      ...(await opts.auth.headers(forceRefresh)),
      ...req.headers,
    };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      // A JSON media type the provider requires (JSON:API's application/vnd.api+json) may be set by the caller.
      if (!Object.keys(req.headers ?? {}).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    } else if (req.form !== undefined) {
      body = encodeForm(req.form);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const url = buildUrl(opts.apiBaseUrl, req.path, req.query);
    const foreign = opts.foreignHostDispatcher !== undefined && url.origin !== baseOrigin;
    let res: Dispatcher.ResponseData;
    try {
      res = await undiciRequest(url, {
        method: req.method ?? 'GET',
        headers,
        body,
        signal: opts.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        dispatcher: foreign ? opts.foreignHostDispatcher : opts.dispatcher,
      });
    } catch (err) {
      const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
      if (e.code === ERR_SSRF_FORBIDDEN_ADDRESS || e.cause?.code === ERR_SSRF_FORBIDDEN_ADDRESS) {
        throw new ProviderError('permanent', `the account's API host is not a public address: ${e.cause?.message ?? e.message}`);
      }
      throw new ProviderError('transient', `provider unreachable: ${e.message}`);
    }
    const text = await res.body.text();
    const resHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) resHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
    const parsed = parseBody(text, resHeaders['content-type']);
    const retryWithNewToken = !forceRefresh && opts.auth.canRefresh;
    if ((res.statusCode >= 200 && res.statusCode < 300) || req.allowStatus?.includes(res.statusCode)) {
      const answer: HttpResponse<T> = { status: res.statusCode, headers: resHeaders, body: parsed as T };
      // A token refused in the body (Slack's 200 with token_expired) gets the same one retry as a 401.
      if (retryWithNewToken && opts.integration.tokenRefused?.(answer)) return send<T>(req, true);
      return answer;
    }
    if (res.statusCode === 401 && retryWithNewToken) return send<T>(req, true);
    throw classifyStatus(res.statusCode, resHeaders, text.slice(0, MAX_ERROR_EXCERPT), Date.now());
  }
  return {
    request: (req) => send(req, false),
    get: async (path, query) => (await send<never>({ path, query }, false)).body,
    post: async (path, json) => (await send<never>({ method: 'POST', path, json }, false)).body,
  };
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return null;
  if (contentType?.includes('json') || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
