// Wrike folder webhooks, one per trigger subscription (https://developers.wrike.com/webhooks/):
// `POST /folders/{folderId}/webhooks` with `hookUrl` and `events` (a bracketed, comma-separated list such as
// `[TaskCreated]`) → `{kind: "webhooks", data: [{id, accountId, folderId, hookUrl, status}]}`;
// `DELETE /webhooks/{id}` on unsubscribe; `GET /webhooks/{id}` every hour (`check`: 404 → gone, a status other than
// `Active` — Wrike suspends a webhook whose deliveries keep failing — → inactive, and the engine creates a new one).
//
// Verification. Wrike's "secure webhooks" take an optional `secret` at creation; Wrike then probes the hook URL with an
// `X-Hook-Secret` challenge that must be answered with an HMAC-SHA256 of the challenge under that secret, and signs
// later deliveries with an HMAC of the body in the same header. The probe reaches us while `register` runs — before the
// subscription row holds the new secret — and the engine answers only key-less handshakes then (ADR on pending
// registrations, src/engine/ingest.ts `pendingHandshake`), and answering an HMAC of any value a caller sends would be a
// signing oracle. So we register WITHOUT Wrike's secret and protect the URL instead: our per-subscription hook URL plus
// `?token=<the subscription's fresh random secret>`, checked in constant time with the SDK's sharedSecret scheme. The
// trade-off (the same as Basecamp's): the token is as safe as the URL — HTTPS in transit, but readable by whoever can
// list the account's webhooks (`GET /webhooks`). Wrike deliveries carry ids only, and we read every task or comment back
// from the API with the subscriber's own token before delivering it: the task or comment always comes from Wrike's API;
// only the `event` fields are as received (one who learned the URL could invent those, for a real task or comment).
//
// Deliveries: a JSON array of events `{taskId, webhookId, eventAuthorId, eventType, lastUpdatedDate, …}`
// (`oldStatus`/`status`/`oldCustomStatusId`/`customStatusId` for TaskStatusChanged, `commentId`/`commentText` for
// CommentAdded). Wrike sends no event id, so keys are built from what names the change (webhooks.ts `keyOf`).
import { hookUrlWithToken, ProviderError, URL_TOKEN, inboundJson, type InboundRequest, type Item, type ParameterDefinition, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { WRIKE_ID, firstOf, readOne, wrikeError, wrikeId } from './api.js';

/** The Wrike webhook events our triggers use (https://developers.wrike.com/webhooks/, "Event types"). */
export type WrikeEventType = 'TaskCreated' | 'TaskStatusChanged' | 'CommentAdded';

export interface WrikeParams {
  folderId: string;
  recursive?: boolean;
}

/** One event of a Wrike delivery. */
export type WrikeEvent = Record<string, unknown> & {
  taskId?: unknown;
  webhookId?: unknown;
  eventAuthorId?: unknown;
  eventType?: unknown;
  lastUpdatedDate?: unknown;
  commentId?: unknown;
  customStatusId?: unknown;
  status?: unknown;
};

export const folderIdParameter: ParameterDefinition = {
  id: 'folderId',
  title: 'Folder or project ID',
  type: 'TEXT',
  required: true,
  description:
    'The Wrike folder or project to watch: its API id (e.g. IEAAAAAQI4AAAAAA), from GET /folders or the folder\'s "Copy API ID" — not the number in the browser address.',
  placeholder: 'IEAAAAAQI4AAAAAA',
  validate: (value) => (typeof value === 'string' && WRIKE_ID.test(value.trim()) ? null : 'folderId must be a Wrike folder id: letters and digits only, such as IEAAAAAQI4AAAAAA'),
};

export const recursiveParameter: ParameterDefinition = {
  id: 'recursive',
  title: 'Include subfolders',
  type: 'BOOLEAN_INPUT',
  required: false,
  description: 'Also watch tasks in every subfolder and subproject of the folder (Wrike\'s recursive folder webhook). Default: only the folder itself.',
  validate: (value) => (value === undefined || value === null || typeof value === 'boolean' ? null : 'recursive must be true or false'),
};

/**
 * The item key of one event, or null when it lacks what names it. A task is created once (`taskId`); a status change
 * is the task, its change time and the status it reached (a task can change status many times; Wrike resends the same
 * change with the same values); a comment is its `commentId`.
 */
export function keyOf(eventType: WrikeEventType, event: WrikeEvent): string | null {
  const task = wrikeId(event.taskId);
  if (eventType === 'TaskCreated') return task ? `task:${task}` : null;
  if (eventType === 'CommentAdded') {
    const comment = wrikeId(event.commentId);
    return comment ? `comment:${comment}` : null;
  }
  const at = typeof event.lastUpdatedDate === 'string' && event.lastUpdatedDate !== '' ? event.lastUpdatedDate : null;
  const status = wrikeId(event.customStatusId) ?? (typeof event.status === 'string' ? event.status : '');
  return task && at ? `status:${task}:${at}:${status}` : null;
}

/** The events of a delivery: Wrike posts an array; a single object is accepted too. */
export function eventsOf(req: InboundRequest): WrikeEvent[] {
  let body: unknown = Array.isArray(req.body) ? req.body : inboundJson(req);
  if (body === null) {
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return [];
    }
  }
  const list = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
  return list.filter((e): e is WrikeEvent => !!e && typeof e === 'object' && !Array.isArray(e));
}

const occurredAt = (event: WrikeEvent): Record<string, number> => {
  const at = typeof event.lastUpdatedDate === 'string' ? Date.parse(event.lastUpdatedDate) : NaN;
  return Number.isFinite(at) ? { occurredAt: at } : {};
};

export function wrikeWebhook(eventType: WrikeEventType): WebhookSource<WrikeParams> {
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    // No redeliveryDays: Wrike does not document how long it retries. Items are read back, so keys are stable anyway.
    async register(ctx) {
      const folderId = ctx.params.folderId.trim();
      const form: Record<string, string> = { hookUrl: hookUrlWithToken(ctx.hookUrl, ctx.secret), events: `[${eventType}]` };
      if (ctx.params.recursive === true) form.recursive = 'true';
      const res = await ctx.http.request<unknown>({ method: 'POST', path: `/folders/${folderId}/webhooks`, form, allowStatus: [400, 403, 404] });
      if (res.status >= 400) throw wrikeError(res, `creating the webhook on folder ${folderId}`, ctx.now());
      const id = wrikeId(firstOf(res.body)?.id);
      if (!id) throw new ProviderError('permanent', 'Wrike created the webhook but answered without its id');
      return { state: { webhookId: id, folderId } };
    },
    async unregister(ctx) {
      const id = wrikeId(ctx.state.webhookId);
      if (!id) return;
      // 404: already deleted in Wrike (or the folder is gone).
      await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}`, allowStatus: [404] });
    },
    async check(ctx) {
      const id = wrikeId(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request<unknown>({ path: `/webhooks/${id}`, allowStatus: [403, 404] });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw wrikeError(res, `reading webhook ${id}`, ctx.now());
      const status = firstOf(res.body)?.status;
      return status === undefined || status === 'Active' ? 'active' : 'inactive';
    },
    deliveryId: (req) => {
      const first = eventsOf(req)[0];
      return first ? [first.webhookId, first.taskId, first.lastUpdatedDate].filter((v) => typeof v === 'string').join(':') || undefined : undefined;
    },
    async toItems(req: InboundRequest, ctx: WebhookContext<WrikeParams>): Promise<Item[]> {
      if (req.method.toUpperCase() !== 'POST') return [];
      const own = wrikeId(ctx.state.webhookId);
      const items: Item[] = [];
      for (const event of eventsOf(req)) {
        if (event.eventType !== eventType) continue;
        // Our webhook names itself in every event; one naming another webhook is not for this subscription.
        if (own && typeof event.webhookId === 'string' && event.webhookId !== own) continue;
        const key = keyOf(eventType, event);
        if (!key || items.some((i) => i.key === key)) continue;
        const taskId = wrikeId(event.taskId)!;
        if (eventType === 'CommentAdded') {
          const comment = await readOne(ctx.http, `/comments/${wrikeId(event.commentId)}`, 'reading the new comment', ctx.now());
          if (!comment) {
            ctx.log.info('Wrike comment deleted before it was read; skipped', { eventType });
            continue;
          }
          items.push({ key, payload: { event, comment }, ...occurredAt(event) });
          continue;
        }
        const task = await readOne(ctx.http, `/tasks/${taskId}`, 'reading the task', ctx.now());
        if (!task) {
          ctx.log.info('Wrike task deleted before it was read; skipped', { eventType });
          continue;
        }
        items.push({ key, payload: { event, task }, ...occurredAt(event) });
      }
      return items;
    },
  };
}
