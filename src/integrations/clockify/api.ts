// Clockify REST API v1 (https://docs.clockify.me/): every call carries the user's API key in `X-Api-Key` (the
// engine sends the credential's apiKey there). Regional workspaces live on regional hosts (e.g.
// https://euc1.clockify.me/api/v1): a project points the integration's apiBaseUrl there. Errors answer
// `{"message": "…", "code": 501}`.
import { providerErrorFor, type HttpResponse } from '../../sdk/index.js';

/** Statuses our calls read themselves, to keep Clockify's message (5xx are classified by ctx.http as transient). */
export const CLOCKIFY_HANDLED_STATUSES = [400, 401, 403, 404, 409, 422, 429];

/** Clockify documents a per-second limit and no Retry-After we know of: wait a little before retrying. */
const RATE_LIMIT_PAUSE_MS = 5_000;

/** Clockify ids (workspaces, webhooks, users, entries) are 24 hex digits (MongoDB ObjectIds). */
export const CLOCKIFY_ID = /^[0-9a-fA-F]{24}$/;

export function clockifyId(value: unknown): string | null {
  return typeof value === 'string' && CLOCKIFY_ID.test(value) ? value : null;
}

/** A Clockify failure as a ProviderError, with Clockify's own `message` (never the key or a webhook token). */
export function clockifyError(res: HttpResponse<unknown>, what: string, now: number): ReturnType<typeof providerErrorFor> {
  const body = res.body && typeof res.body === 'object' ? (res.body as { message?: unknown }) : {};
  const message = typeof body.message === 'string' && body.message !== '' ? `: ${body.message.slice(0, 300)}` : '';
  return providerErrorFor(res, `Clockify ${res.status} on ${what}${message}`, { now, rateLimitPauseMs: RATE_LIMIT_PAUSE_MS });
}
