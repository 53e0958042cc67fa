// One GraphQL call against Linear (`POST https://api.linear.app/graphql`), with Linear's error shapes mapped
// to ProviderError kinds. GraphQL reports failures in an `errors` array — with HTTP 200 or 400 — whose
// `extensions.code` says what went wrong: RATELIMITED (back off), AUTHENTICATION_ERROR (token), FORBIDDEN
// (e.g. no `admin` scope), INVALID_INPUT (e.g. an unknown team or webhook id).
import { ProviderError, type HttpClient } from '../../sdk/index.js';

export interface LinearGraphqlErrorEntry {
  message?: unknown;
  extensions?: { code?: unknown; type?: unknown; userPresentableMessage?: unknown } | null;
}

/** A refused GraphQL operation, with Linear's error codes kept for callers that tell cases apart. */
export class LinearGraphqlError extends ProviderError {
  constructor(
    kind: ProviderError['kind'],
    message: string,
    readonly codes: string[],
    status?: number,
    retryAfterMs?: number,
  ) {
    super(kind, message, status, retryAfterMs);
    this.name = 'LinearGraphqlError';
  }

  /** Whether Linear said the referenced entity does not exist (e.g. a webhook already deleted). */
  get notFound(): boolean {
    return this.codes.includes('ENTITY_NOT_FOUND') || /not found|could not find/i.test(this.message);
  }
}

/** When the back-off should end, from Linear's reset headers (epoch milliseconds), if present and ahead. */
function retryAfterFrom(headers: Record<string, string>, now: number): number | undefined {
  for (const name of ['x-ratelimit-requests-reset', 'x-ratelimit-complexity-reset']) {
    const reset = Number(headers[name]);
    if (Number.isFinite(reset) && reset > now) return reset - now;
  }
  const seconds = Number(headers['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function describe(errors: LinearGraphqlErrorEntry[]): { codes: string[]; message: string } {
  const codes: string[] = [];
  const messages: string[] = [];
  for (const e of errors) {
    const code = e.extensions?.code;
    if (typeof code === 'string') codes.push(code);
    const text = typeof e.extensions?.userPresentableMessage === 'string' ? e.extensions.userPresentableMessage : e.message;
    if (typeof text === 'string' && text !== '') messages.push(text);
  }
  return { codes, message: messages.join('; ').slice(0, 300) || 'Linear refused the request' };
}

export async function linearGraphql<T>(
  ctx: { http: HttpClient; now: () => number },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await ctx.http.request<{ data?: T | null; errors?: LinearGraphqlErrorEntry[] } | null>({
    method: 'POST',
    path: '/graphql',
    json: { query, variables },
    allowStatus: [400],
  });
  const errors = res.body?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const { codes, message } = describe(errors);
    if (codes.includes('RATELIMITED')) {
      throw new LinearGraphqlError('rate_limited', `Linear rate limit: ${message}`, codes, res.status, retryAfterFrom(res.headers, ctx.now()));
    }
    if (codes.includes('AUTHENTICATION_ERROR')) throw new LinearGraphqlError('auth', `Linear authentication failed: ${message}`, codes, res.status);
    throw new LinearGraphqlError('permanent', `Linear refused: ${message}`, codes, res.status);
  }
  const data = res.body?.data;
  if (res.status === 400 || data === undefined || data === null) {
    throw new LinearGraphqlError('permanent', `Linear answered HTTP ${res.status} without data`, [], res.status);
  }
  return data;
}
