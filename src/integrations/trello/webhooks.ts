// One Trello webhook per trigger subscription, watching one board (`idModel`), created with `POST /1/webhooks`
// at subscribe time, deleted with `DELETE /1/webhooks/{id}` at unsubscribe, and read every hour with
// `GET /1/webhooks/{id}` (ADR 0018) so one Trello deactivated or deleted is created again.
// https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks
//
// Creation: Trello first sends a HEAD request to the callback URL and creates the webhook only if it answers
// 200; our `/hooks/s/{id}` routes answer HEAD with 200 without verification (src/http/routes/hooks.ts).
//
// Signature: `X-Trello-Webhook` = base64(HMAC-SHA1(app secret, raw body + callbackURL)), keyed with the
// Trello app's secret (the "Secret" next to the API key of the Power-Up), not with anything per webhook:
// the project's integration `webhookSecret` must hold it. The callback URL we register is exactly
// `ctx.hookUrl`, which is what `{publicUrl}` rebuilds from the request, so the template is `{body}{publicUrl}`.
// Trello's signature has no timestamp: a replayed delivery is only caught by the action-id key.
import { ProviderError, type HmacScheme, type HttpResponse, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';

export const TRELLO_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha1',
  header: 'x-trello-webhook',
  encoding: 'base64',
  signingString: '{body}{publicUrl}',
};

/** A Trello object id: 24 hex digits (a MongoDB ObjectId). Board short links (8 characters) are not ids. */
export const TRELLO_ID = /^[0-9a-fA-F]{24}$/;

export interface TrelloParams {
  boardId: string;
  listId?: string;
}

export interface TrelloAction {
  id: string;
  type: string;
  date?: string;
  data?: Record<string, unknown>;
  memberCreator?: Record<string, unknown>;
}

export interface TrelloWebhookBody {
  action?: TrelloAction;
  model?: Record<string, unknown>;
}

/**
 * Trello answers errors as plain text (`invalid value for idModel`, `invalid token`) or, for some,
 * `{message, error}` JSON. 401 reaches here only from calls that allow it; 429 and 5xx are classified by
 * ctx.http before (Retry-After honoured).
 */
export function trelloError(what: string, res: HttpResponse<unknown>): ProviderError {
  const body = res.body;
  const fields = body && typeof body === 'object' ? (body as { message?: unknown; error?: unknown }) : {};
  const fromJson = typeof fields.message === 'string' ? fields.message : typeof fields.error === 'string' ? fields.error : '';
  const detail = typeof body === 'string' ? body.trim() : fromJson;
  const text = `Trello ${res.status} ${what}${detail ? `: ${detail.slice(0, 300)}` : ''}`;
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status === 429) return new ProviderError('rate_limited', text, 429);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

function webhookId(state: Record<string, unknown>): string | null {
  const id = state.webhookId;
  return typeof id === 'string' && TRELLO_ID.test(id) ? id : null;
}

/** Which actions of the board a trigger wants, and the payload it delivers. */
export type ActionFilter = (action: TrelloAction, params: TrelloParams) => boolean;

export function trelloWebhook(accepts: ActionFilter): WebhookSource<TrelloParams> {
  return {
    kind: 'webhook',
    verification: TRELLO_SIGNATURE,
    // No redeliveryDays: Trello documents retries (three, with backoff) but not a bound we could rely on
    // for every path (not confirmed), so every action id stays stored as a dedupe marker.
    // Trello signs with the app's secret, the project's trello webhookSecret.
    appSigningKey: { required: true, description: "the Trello app's secret (Power-Up admin portal → your app → API key → Secret)" },
    async register(ctx) {
      // Trello documents the parameters as query parameters (callbackURL, idModel, description).
      const res = await ctx.http.request<{ id?: unknown; active?: unknown }>({
        method: 'POST',
        path: '/webhooks',
        query: { callbackURL: ctx.hookUrl, idModel: ctx.params.boardId, description: 'OpenTriggers subscription' },
        allowStatus: [400, 403, 404],
      });
      if (res.status >= 400) throw trelloError('creating the webhook', res);
      const id = res.body?.id;
      if (typeof id !== 'string' || !TRELLO_ID.test(id)) throw new ProviderError('permanent', 'Trello created the webhook but answered without its id');
      return { state: { webhookId: id, boardId: ctx.params.boardId } };
    },
    async unregister(ctx) {
      const id = webhookId(ctx.state);
      if (!id) return;
      // 404: already deleted at Trello (by the user, or with the token's revocation).
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}`, allowStatus: [404] });
      if (res.status >= 400 && res.status !== 404) throw trelloError('deleting the webhook', res);
    },
    async check(ctx) {
      // Trello deactivates a webhook whose deliveries keep failing (`active: false`) and deletes the webhooks of
      // a revoked token or a deleted board; nobody is told. A deactivated one is deleted and created again.
      const id = webhookId(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ active?: unknown }>({ method: 'GET', path: `/webhooks/${id}`, allowStatus: [400, 404] });
      if (res.status === 404 || res.status === 400) return 'gone';
      return res.body?.active === false ? 'inactive' : 'active';
    },
    deliveryId(req: InboundRequest) {
      const id = (req.body as TrelloWebhookBody | null)?.action?.id;
      return typeof id === 'string' ? id : undefined;
    },
    toItems(req, ctx): Item[] {
      const body = req.body as TrelloWebhookBody | null;
      const action = body?.action;
      if (!action || typeof action.id !== 'string' || typeof action.type !== 'string') return [];
      if (!accepts(action, ctx.params)) return [];
      // The action id is the event's identity at Trello: a retry of the same delivery carries the same action.
      const at = action.date ? Date.parse(action.date) : NaN;
      return [{ key: action.id, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
    },
  };
}
