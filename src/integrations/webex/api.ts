// Webex REST API (webexapis.com/v1) helpers: the ids our parameters carry into webhook filters, Webex's error
// answers, and reading one message (message notifications carry ids only).
// https://developer.webex.com/docs/basics (errors, trackingId), https://developer.webex.com/docs/rate-limiting,
// https://developer.webex.com/docs/api/v1/messages/get-message-details
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse, type ParameterDefinition } from '../../sdk/index.js';

export interface WebexParams {
  roomId?: string;
  roomType?: string;
}

// Webex ids are base64url text (e.g. Y2lzY29zcGFyazovL3VzL1JPT00v…, "ciscospark://us/ROOM/<uuid>"). They go into the
// webhook's `filter` (name=value pairs joined by '&'), so nothing but base64 characters is let through.
const WEBEX_ID = /^[A-Za-z0-9_-]{16,400}={0,2}$/;

export function webexIdProblem(value: unknown): string | null {
  return typeof value === 'string' && WEBEX_ID.test(value.trim()) ? null : 'must be a Webex space id (the long base64 id the API gives, e.g. Y2lzY29zcGFyazovL3VzL1JPT00v…)';
}

export const roomIdParameter = (what: string): ParameterDefinition => ({
  id: 'roomId',
  title: 'Space',
  type: 'TEXT',
  required: false,
  description: `Only ${what} in this space (its id, from GET /v1/rooms). Leave empty for every space the connected user (or bot) is in.`,
  placeholder: 'Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0',
  validate: webexIdProblem,
});

export const roomTypeParameter: ParameterDefinition = {
  id: 'roomType',
  title: 'Space type',
  type: 'ENUM',
  required: false,
  description: 'Only spaces of this type: `group` (a group space) or `direct` (a 1:1 space). Leave empty for both.',
  options: [
    { label: 'Group space', value: 'group' },
    { label: '1:1 space', value: 'direct' },
  ],
  validate: (v) => (v === 'group' || v === 'direct' ? null : 'must be group or direct'),
};

/** The webhook `filter` for the parameters given (empty: no filter). */
export function filterOf(params: WebexParams): string | undefined {
  const parts: string[] = [];
  const room = typeof params.roomId === 'string' ? params.roomId.trim() : '';
  if (room !== '') {
    if (webexIdProblem(room)) throw new ProviderError('permanent', `parameters.roomId ${webexIdProblem(room)}`);
    parts.push(`roomId=${room}`);
  }
  const type = typeof params.roomType === 'string' ? params.roomType.trim() : '';
  if (type !== '') {
    if (type !== 'group' && type !== 'direct') throw new ProviderError('permanent', 'parameters.roomType must be group or direct');
    parts.push(`type=${type}`);
  }
  return parts.length > 0 ? parts.join('&') : undefined;
}

/**
 * Webex's own words from a failed answer: `{"message": "…", "errors": [{"description": "…"}], "trackingId": "…"}`.
 * The trackingId is kept: Webex support asks for it.
 */
export function webexMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() !== '' ? body.trim().slice(0, 300) : undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; errors?: unknown; trackingId?: unknown };
  const descriptions = Array.isArray(b.errors)
    ? b.errors.map((e) => (e && typeof e === 'object' ? (e as { description?: unknown }).description : undefined)).filter((d): d is string => typeof d === 'string' && d !== '')
    : [];
  const main = typeof b.message === 'string' && b.message !== '' ? b.message : descriptions.join('; ');
  if (!main) return undefined;
  const tracking = typeof b.trackingId === 'string' && b.trackingId !== '' ? ` (trackingId ${b.trackingId.slice(0, 80)})` : '';
  return `${main.slice(0, 300)}${tracking}`;
}

/** Statuses our calls take themselves to keep Webex's message; the rest are classified by ctx.http. */
export const WEBEX_HANDLED_STATUSES = [400, 401, 403, 404, 409, 423, 429];

/**
 * A refusal as a ProviderError: 401 → auth (expired or revoked token: the engine refreshes it), 429 → rate_limited
 * for the Retry-After Webex sends (else a minute), 5xx → transient, anything else (403 a missing scope or no access
 * to the space, 400 a refused filter, 404) permanent. Never includes the token.
 */
export function webexError(what: string, res: HttpResponse<unknown>, now: number): ProviderError {
  const message = webexMessage(res.body);
  return providerErrorFor(res, `Webex refused ${what} (HTTP ${res.status}${message ? `: ${message}` : ''})`, { now, rateLimitPauseMs: 60_000 });
}

/** GET /v1/messages/{id}; null when the message is gone (deleted before we read it). */
export async function readMessage(http: HttpClient, id: string, now: number): Promise<Record<string, unknown> | null> {
  const res = await http.request<Record<string, unknown> | null>({ method: 'GET', path: `/v1/messages/${encodeURIComponent(id)}`, allowStatus: WEBEX_HANDLED_STATUSES });
  if (res.status === 404) return null;
  if (res.status >= 400) throw webexError(`reading message ${id}`, res, now);
  if (!res.body || typeof res.body !== 'object') throw new ProviderError('transient', `Webex answered message ${id} without a body`);
  return res.body;
}
