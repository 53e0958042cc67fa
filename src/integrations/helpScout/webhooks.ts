// Per-subscription Help Scout webhooks (Mailbox API 2.0): one per trigger subscription, created with
// `POST /v2/webhooks` {url, events: [the trigger's event], secret: our per-subscription secret, payloadVersion:
// "V2", mailboxIds?}, deleted on unsubscribe (`DELETE /v2/webhooks/{id}`), and read every hour (`check`,
// ADR 0018) with `GET /v2/webhooks/{id}`: a 404 (deleted in Help Scout) or `state: "disabled"` (Help Scout turns
// off a webhook that keeps failing) makes the engine create it again.
//
// Signature (https://developer.helpscout.com/webhooks): `X-HelpScout-Signature` = base64 of the HMAC-SHA1 of the
// raw body keyed with the secret we chose; `X-HelpScout-Event` names the event. No timestamp, so no freshness
// window. The body is the resource itself (a v2 Conversation or Customer object), with no event or delivery id.
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { HELPSCOUT_HANDLED_STATUSES, helpScoutError } from './api.js';

export const HELPSCOUT_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha1',
  header: 'x-helpscout-signature',
  encoding: 'base64',
};

export type HelpScoutEvent = 'convo.created' | 'convo.assigned' | 'convo.status' | 'convo.customer.reply.created' | 'customer.created';

export interface HelpScoutParams {
  mailboxId?: string;
}

/** The parts of a v2 Conversation or Customer object we read. */
export interface HelpScoutResource {
  id?: unknown;
  mailboxId?: unknown;
  status?: unknown;
  assignee?: { id?: unknown } | null;
  userUpdatedAt?: unknown;
  createdAt?: unknown;
  _embedded?: { threads?: Array<{ id?: unknown; type?: unknown; createdAt?: unknown } | null>; [k: string]: unknown } | null;
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  return null;
}

function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : undefined;
}

/** The newest customer thread of the conversation (`_embedded.threads[]` with `type: "customer"`). */
export function latestCustomerThread(body: HelpScoutResource): { id: string; at?: number } | null {
  const threads = Array.isArray(body._embedded?.threads) ? body._embedded.threads : [];
  let best: { id: string; n: bigint; at?: number } | null = null;
  for (const t of threads) {
    if (!t || t.type !== 'customer') continue;
    const id = idText(t.id);
    if (!id) continue;
    const n = BigInt(id);
    if (!best || n > best.n) best = { id, n, ...(time(t.createdAt) !== undefined ? { at: time(t.createdAt)! } : {}) };
  }
  return best ? { id: best.id, ...(best.at !== undefined ? { at: best.at } : {}) } : null;
}

/**
 * The item key of one delivery. Help Scout sends the resource, with no event or delivery id; a retry re-sends
 * the same body (same signature), so everything here is read from the body:
 * - convo.created / customer.created: the object id (created once);
 * - convo.assigned: conversation id, assignee id (or "unassigned") and `userUpdatedAt`, the time of the last
 *   change a user made — an assignment is such a change, so a later re-assignment to the same person differs;
 * - convo.status: conversation id, the new status and `userUpdatedAt`;
 * - convo.customer.reply.created: conversation id and the id of the newest customer thread (the reply itself);
 *   without threads in the body, `userUpdatedAt` instead.
 * Returns null when the body lacks what the key needs (nothing is delivered; it is logged).
 */
export function itemKey(event: HelpScoutEvent, body: HelpScoutResource): string | null {
  const id = idText(body.id);
  if (!id) return null;
  if (event === 'convo.created' || event === 'customer.created') return id;
  const updated = typeof body.userUpdatedAt === 'string' && body.userUpdatedAt !== '' ? body.userUpdatedAt : null;
  if (event === 'convo.customer.reply.created') {
    const thread = latestCustomerThread(body);
    if (thread) return `${id}:thread:${thread.id}`;
    return updated ? `${id}:${updated}` : null;
  }
  if (!updated) return null;
  if (event === 'convo.assigned') return `${id}:${idText(body.assignee?.id) ?? 'unassigned'}:${updated}`;
  return `${id}:${typeof body.status === 'string' ? body.status : 'unknown'}:${updated}`;
}

function occurredAt(event: HelpScoutEvent, body: HelpScoutResource): number | undefined {
  if (event === 'convo.created' || event === 'customer.created') return time(body.createdAt);
  if (event === 'convo.customer.reply.created') return latestCustomerThread(body)?.at ?? time(body.userUpdatedAt);
  return time(body.userUpdatedAt);
}

const MAILBOX_ID = /^\d{1,15}$/;

function webhookIdOf(state: Record<string, unknown>): string | null {
  return typeof state.webhookId === 'string' && /^\d{1,20}$/.test(state.webhookId) ? state.webhookId : null;
}

/** Help Scout answers 201 with the new webhook's id in `Resource-ID` (and its URL in `Location`). */
function createdId(headers: Record<string, string>): string | null {
  const rid = headers['resource-id'];
  if (rid && /^\d{1,20}$/.test(rid)) return rid;
  const m = /\/v2\/webhooks\/(\d{1,20})\/?$/.exec(headers.location ?? '');
  return m ? m[1]! : null;
}

export function helpScoutWebhook(event: HelpScoutEvent): WebhookSource<HelpScoutParams> {
  const mailboxFilter = event !== 'customer.created';
  return {
    kind: 'webhook',
    verification: HELPSCOUT_SIGNATURE,
    // No redeliveryDays: Help Scout's retry schedule is not confirmed (docs/integrations/helpScout.md), and the
    // keys name objects later events may name again, so every key keeps its marker.
    async register(ctx) {
      const mailboxId = mailboxFilter ? ctx.params.mailboxId : undefined;
      if (mailboxId !== undefined && mailboxId !== '' && !MAILBOX_ID.test(mailboxId)) {
        throw new ProviderError('permanent', 'mailboxId: must be a Help Scout mailbox id (digits)');
      }
      // Help Scout takes "a randomly-generated (by you) string of 40 characters or less"; the engine's fresh
      // secret is 64 hex characters, so its first 40 (160 bits) are used, and returned as the secret to verify with.
      const secret = ctx.secret.slice(0, 40);
      const res = await ctx.http.request({
        method: 'POST',
        path: '/v2/webhooks',
        json: {
          url: ctx.hookUrl,
          events: [event],
          secret,
          payloadVersion: 'V2',
          label: 'OpenTriggers',
          ...(mailboxId ? { mailboxIds: [Number(mailboxId)] } : {}),
        },
        allowStatus: HELPSCOUT_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw helpScoutError(res);
      const id = createdId(res.headers);
      if (!id) throw new ProviderError('permanent', 'Help Scout created the webhook but answered without its id (Resource-ID)');
      return { state: { webhookId: id }, secret };
    },
    async unregister(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/v2/webhooks/${id}`, allowStatus: HELPSCOUT_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Help Scout webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw helpScoutError(res);
    },
    async check(ctx) {
      const id = webhookIdOf(ctx.state);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ id?: unknown; state?: unknown } | null>({
        method: 'GET',
        path: `/v2/webhooks/${id}`,
        allowStatus: HELPSCOUT_HANDLED_STATUSES,
      });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw helpScoutError(res);
      return res.body?.state === 'disabled' ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest, ctx: WebhookContext<HelpScoutParams>): Item[] {
      const sent = req.headers['x-helpscout-event'];
      if (sent !== undefined && sent !== event) return [];
      const body = req.body as HelpScoutResource | null;
      if (!body || typeof body !== 'object') return [];
      const wanted = mailboxFilter ? ctx.params.mailboxId : undefined;
      // Help Scout filters by mailboxIds already; checked again here (a webhook edited in Help Scout).
      if (wanted && idText(body.mailboxId) !== wanted) return [];
      const key = itemKey(event, body);
      if (!key) {
        ctx.log.warn('Help Scout delivery without the fields its key needs; ignored', { event });
        return [];
      }
      const at = occurredAt(event, body);
      return [{ key, payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
