// Per-subscription ClickUp webhooks (`POST /team/{team_id}/webhook`), one per trigger subscription, each for
// one task event and our per-subscription URL, optionally narrowed to a Space, Folder or List; deleted on
// unsubscribe (`DELETE /webhook/{webhook_id}`), and read every hour (`check`, ADR 0018) through
// `GET /team/{team_id}/webhook` so one ClickUp suspended or that was deleted is created again.
//
// Signature (https://developer.clickup.com/docs/webhooksignature): `X-Signature` = hex HMAC-SHA256 of the raw
// body, keyed with the `webhook.secret` ClickUp returns when the webhook is created (ClickUp chooses it; it is
// unique per webhook). There is no timestamp in the scheme, so there is no freshness window to check.
import { createHash } from 'node:crypto';
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { CLICKUP_HANDLED_STATUSES, clickupFailure, resolveTeamId } from './api.js';

export const CLICKUP_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-signature',
  encoding: 'hex',
};

export const CLICKUP_WEBHOOKS_DOCS = 'https://developer.clickup.com/docs/webhooks';

export type ClickUpTaskEvent = 'taskCreated' | 'taskUpdated' | 'taskStatusUpdated' | 'taskCommentPosted' | 'taskDeleted';

export interface ClickUpParams {
  teamId?: string;
  spaceId?: string;
  folderId?: string;
  listId?: string;
}

/** The parts of a ClickUp webhook body we read (https://developer.clickup.com/docs/webhooktaskpayloads). */
export interface ClickUpWebhookBody {
  event?: unknown;
  task_id?: unknown;
  webhook_id?: unknown;
  history_items?: Array<{ id?: unknown; date?: unknown; field?: unknown; comment?: { id?: unknown } | null } | null>;
}

/** What the webhook's health looks like in `GET /team/{team_id}/webhook` (https://developer.clickup.com/docs/webhookhealth). */
interface ClickUpWebhookObject {
  id?: unknown;
  health?: { status?: unknown; fail_count?: unknown } | null;
}

function idText(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function historyItems(body: ClickUpWebhookBody): NonNullable<NonNullable<ClickUpWebhookBody['history_items']>[number]>[] {
  return Array.isArray(body.history_items) ? body.history_items.filter((h): h is NonNullable<typeof h> => h !== null && typeof h === 'object') : [];
}

/** The history item ids of a body, sorted: the same for every delivery of one change. */
export function historyIds(body: ClickUpWebhookBody): string[] {
  return historyItems(body).map((h) => idText(h.id)).filter((id): id is string => id !== null).sort();
}

/** The newest `date` (Unix ms, sent as a string) among the history items. */
export function occurredAt(body: ClickUpWebhookBody): number | undefined {
  const dates = historyItems(body).map((h) => Number(h.date)).filter((d) => Number.isFinite(d) && d > 0);
  return dates.length > 0 ? Math.max(...dates) : undefined;
}

/**
 * The item key of one delivery. ClickUp sends no event or delivery id; what identifies a change is the id of
 * the task history entries it carries (`history_items[].id`), which a retry of the same event repeats. So:
 * - taskCreated: the task id (a task is created once);
 * - taskDeleted: the task id (its body has no history items at all);
 * - taskCommentPosted: the comment id;
 * - taskUpdated / taskStatusUpdated: the task id and its history item ids.
 * A body without any of these (not seen in ClickUp's examples) is keyed by the hash of its raw bytes, which a
 * retry re-sends unchanged.
 */
export function itemKey(event: ClickUpTaskEvent, body: ClickUpWebhookBody, rawBody: Buffer): string {
  const taskId = idText(body.task_id);
  if ((event === 'taskCreated' || event === 'taskDeleted') && taskId) return taskId;
  if (event === 'taskCommentPosted') {
    const commentId = historyItems(body).map((h) => idText(h.comment?.id)).find((id) => id !== null);
    if (commentId) return `comment:${commentId}`;
  }
  const ids = historyIds(body);
  if (taskId && ids.length > 0) return `${taskId}:${ids.join(',')}`;
  return `body:${createHash('sha256').update(rawBody).digest('hex')}`;
}

const ID_PARAM = /^\d{1,15}$/;

/** ClickUp's Create Webhook takes `space_id`, `folder_id` and `list_id` as integers. */
function locationFilters(params: ClickUpParams): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [param, field] of [['spaceId', 'space_id'], ['folderId', 'folder_id'], ['listId', 'list_id']] as const) {
    const value = params[param];
    if (value === undefined || value === '') continue;
    if (!ID_PARAM.test(value)) throw new ProviderError('permanent', `${param}: must be a ClickUp id (digits)`);
    out[field] = Number(value);
  }
  return out;
}

function webhookIdOf(state: Record<string, unknown>): string | null {
  return typeof state.webhookId === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(state.webhookId) ? state.webhookId : null;
}

function teamIdOf(state: Record<string, unknown>, params: ClickUpParams): string | null {
  const teamId = typeof state.teamId === 'string' ? state.teamId : params.teamId;
  return teamId && ID_PARAM.test(teamId) ? teamId : null;
}

export function clickupWebhook(event: ClickUpTaskEvent): WebhookSource<ClickUpParams> {
  return {
    kind: 'webhook',
    verification: CLICKUP_SIGNATURE,
    // No redeliveryDays: ClickUp retries a failed event up to five times but does not say over how long
    // (https://developer.clickup.com/docs/webhookhealth), so every key keeps its dedupe marker.
    async register(ctx) {
      const filters = locationFilters(ctx.params);
      const teamId = await resolveTeamId(ctx.http, ctx.params.teamId, ctx.now());
      const res = await ctx.http.request<{ id?: unknown; webhook?: { id?: unknown; secret?: unknown } | null } | null>({
        method: 'POST',
        path: `/team/${encodeURIComponent(teamId)}/webhook`,
        json: { endpoint: ctx.hookUrl, events: [event], ...filters },
        allowStatus: CLICKUP_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw await clickupFailure(ctx.http, res, ctx.now(), teamId);
      const id = idText(res.body?.webhook?.id) ?? idText(res.body?.id);
      const secret = res.body?.webhook?.secret;
      if (!id || typeof secret !== 'string' || secret === '') {
        throw new ProviderError('permanent', 'ClickUp created the webhook but answered without its id and secret');
      }
      // ClickUp chose the signing secret: verify this subscription's deliveries with it.
      return { state: { webhookId: id, teamId }, secret };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhook/${encodeURIComponent(id)}`, allowStatus: CLICKUP_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('ClickUp webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw await clickupFailure(ctx.http, res, ctx.now(), teamIdOf(ctx.state, ctx.params) ?? undefined);
    },
    async check(ctx) {
      // ClickUp suspends a webhook at once when our URL answers 401 or 410, and after its fail_count reaches
      // 100; a suspended one receives nothing until its status is set back (we delete it and create a new one
      // instead: 'inactive'). A `failing` webhook still receives new events and recovers by itself. The user
      // may also delete it. Nobody is told (https://developer.clickup.com/docs/webhookhealth).
      const id = webhookIdOf(ctx.state);
      const teamId = teamIdOf(ctx.state, ctx.params);
      if (!id || !teamId) return 'gone';
      const res = await ctx.http.request<{ webhooks?: ClickUpWebhookObject[] } | null>({
        method: 'GET',
        path: `/team/${encodeURIComponent(teamId)}/webhook`,
        allowStatus: CLICKUP_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw await clickupFailure(ctx.http, res, ctx.now(), teamId);
      const webhooks = res.body?.webhooks;
      if (!Array.isArray(webhooks)) throw new ProviderError('transient', 'ClickUp GET /team/{team_id}/webhook answered without webhooks');
      const mine = webhooks.find((w) => w !== null && typeof w === 'object' && idText(w.id) === id);
      if (!mine) return 'gone';
      return mine.health?.status === 'suspended' ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest, ctx: WebhookContext<ClickUpParams>): Item[] {
      const body = req.body as ClickUpWebhookBody | null;
      if (!body || typeof body !== 'object' || body.event !== event) return [];
      const id = webhookIdOf(ctx.state);
      const sentFor = idText(body.webhook_id);
      if (id && sentFor && sentFor !== id) {
        // Signed with this subscription's secret but naming another webhook: not ours to deliver.
        ctx.log.warn('ClickUp delivery names another webhook; ignored', { webhookId: id, sentFor });
        return [];
      }
      const at = occurredAt(body);
      return [{ key: itemKey(event, body, req.rawBody), payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
