// Box Platform API 2.0 calls the triggers make, and Box's error shape.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

/**
 * Box's ClientError: `{type: "error", status, code, message, context_info?, help_url?, request_id?}`
 * (https://developer.box.com/reference/resources/client-error/). 400s may carry
 * `context_info.errors: [{reason, name, message}]` naming the bad field.
 */
interface BoxErrorBody {
  code?: string;
  message?: string;
  context_info?: { errors?: Array<{ name?: string; message?: string }> } | null;
}

/**
 * A Box refusal as a ProviderError. 401 (after the HTTP client's one refresh), 429 (with Retry-After) and 5xx
 * are classified by the HTTP client and never reach here; what does is a permanent refusal: 400 (bad
 * parameters, e.g. a notification URL that is not HTTPS on port 443), 403 (the app lacks the Manage Webhooks
 * scope, or the user the permission), 404 (no such item, or not visible to the user), 409 (a webhook already
 * exists for this item, app and user).
 */
export function boxError(res: HttpResponse<unknown>, what?: string): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as BoxErrorBody;
  const details = (body.context_info?.errors ?? [])
    .map((e) => [e.name, e.message].filter(Boolean).join(': '))
    .filter(Boolean);
  const text = `Box ${res.status}${body.code ? ` ${body.code}` : ''}${body.message ? `: ${body.message}` : ''}${details.length ? ` (${details.join('; ')})` : ''}${what ? ` — ${what}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

export interface BoxUser {
  type: 'user';
  id: string;
  name?: string;
  login?: string;
}

/** `GET /users/me`: the connected user (its `id` is the provider account id). */
export async function currentUser(http: HttpClient): Promise<BoxUser> {
  const res = await http.request<Partial<BoxUser>>({ path: '/users/me', allowStatus: [403, 404] });
  if (res.status >= 400) throw boxError(res, 'reading the connected user (GET /users/me)');
  const id = res.body?.id;
  if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Box answered GET /users/me without a user id');
  return { type: 'user', id, ...(typeof res.body.name === 'string' ? { name: res.body.name } : {}), ...(typeof res.body.login === 'string' ? { login: res.body.login } : {}) };
}

/** Box's Webhook resource (https://developer.box.com/reference/resources/webhook/). */
export interface BoxWebhook {
  id: string;
  type: 'webhook';
  target: { id: string; type: 'file' | 'folder' };
  address?: string;
  triggers?: string[];
  created_at?: string;
}

const WEBHOOK_ID = /^[0-9]{1,20}$/;

/** The API path of a webhook, from the id kept in the subscription's state (never a path from elsewhere). */
export function webhookPath(id: unknown): string | null {
  return typeof id === 'string' && WEBHOOK_ID.test(id) ? `/webhooks/${id}` : null;
}

/**
 * The webhook Box holds on a folder for this app and user, if the list shows one. `GET /webhooks` lists the
 * app's webhooks on items the user owns, as `{entries: [{id, type, target}], next_marker}`, at most 1000 per
 * page (https://developer.box.com/reference/get-webhooks/); a user has at most 1000 webhooks per app
 * (https://developer.box.com/guides/webhooks/v2/limitations-v2/), so a few pages always suffice.
 */
export async function findFolderWebhook(http: HttpClient, folderId: string): Promise<BoxWebhook | null> {
  let marker: string | undefined;
  for (let page = 0; page < 5; page++) {
    const res = await http.request<{ entries?: Array<Partial<BoxWebhook>>; next_marker?: string | number | null }>({
      path: '/webhooks', query: { limit: 1000, ...(marker ? { marker } : {}) }, allowStatus: [403],
    });
    if (res.status >= 400) return null;
    const hit = (res.body?.entries ?? []).find((w) => w.target?.type === 'folder' && w.target.id === folderId && typeof w.id === 'string');
    if (hit) {
      const path = webhookPath(hit.id);
      if (!path) return null;
      const full = await http.request<Partial<BoxWebhook>>({ path, allowStatus: [403, 404] });
      return full.status === 200 ? ({ ...hit, ...full.body } as BoxWebhook) : (hit as BoxWebhook);
    }
    const next = res.body?.next_marker;
    if (next === undefined || next === null || next === '') return null;
    marker = String(next);
  }
  return null;
}
