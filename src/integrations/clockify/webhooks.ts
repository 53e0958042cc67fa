// Clockify webhooks (https://docs.clockify.me/#tag/Webhooks): one webhook per trigger subscription,
// `POST /workspaces/{workspaceId}/webhooks` {name, url, webhookEvent, triggerSource: [workspaceId],
// triggerSourceType: "WORKSPACE_ID"}; the answer holds the webhook's `id` and its `authToken`. `GET` of
// `/workspaces/{workspaceId}/webhooks/{id}` is the hourly check (404: deleted; `enabled: false`: disabled), and
// `DELETE` of it on unsubscribe (404: already gone).
//
// Verification: Clockify does not sign bodies. Every delivery carries the webhook's `authToken` in the
// `Clockify-Signature` header; the token Clockify chose becomes the subscription's secret and the header must
// equal it (sharedSecret scheme, constant time). It proves the sender knows the token, nothing binds the body.
//
// The body is the object the event is about (the time entry, project or client), as Clockify sends it; the
// `Clockify-Webhook-Event-Type` header names the event, and a request for another event is ignored.
//
// Keys: "new" events use the object id; a stopped timer the entry id and its end; an updated entry the entry id
// and a digest of the body (Clockify's entries carry no version). Clockify's retry policy is not documented, so
// no redeliveryDays.
import { createHash } from 'node:crypto';
import { ProviderError, inboundHeader, inboundJson, type InboundRequest, type Item, type SharedSecretScheme, type WebhookContext, type WebhookSource } from '../../sdk/index.js';
import { CLOCKIFY_HANDLED_STATUSES, clockifyError, clockifyId } from './api.js';

export const CLOCKIFY_SIGNATURE_HEADER = 'clockify-signature';
export const CLOCKIFY_EVENT_HEADER = 'clockify-webhook-event-type';

export const CLOCKIFY_TOKEN_SCHEME: SharedSecretScheme = { kind: 'sharedSecret', header: CLOCKIFY_SIGNATURE_HEADER };

export type ClockifyEvent = 'NEW_TIME_ENTRY' | 'TIME_ENTRY_UPDATED' | 'TIMER_STOPPED' | 'NEW_PROJECT' | 'NEW_CLIENT';

export interface ClockifyParams {
  workspaceId: string;
}

export interface ClockifyWebhookSpec {
  event: ClockifyEvent;
  /** The item key of one delivered object; null to skip it. */
  keyOf(body: Record<string, unknown>, req: InboundRequest): string | null;
}

/** The checked workspace id of the subscription's parameters. */
export function workspaceIdOf(params: ClockifyParams): string {
  const id = clockifyId(params.workspaceId);
  if (!id) throw new ProviderError('permanent', 'workspaceId: must be a Clockify workspace id (24 hexadecimal characters)');
  return id;
}

/** The end (or start) of a time entry's interval, as ms. */
function intervalTime(body: Record<string, unknown>, field: 'start' | 'end'): number | undefined {
  const interval = body.timeInterval;
  if (!interval || typeof interval !== 'object') return undefined;
  const value = (interval as Record<string, unknown>)[field];
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function intervalEnd(body: Record<string, unknown>): string | null {
  const interval = body.timeInterval;
  const end = interval && typeof interval === 'object' ? (interval as Record<string, unknown>).end : undefined;
  return typeof end === 'string' && end !== '' ? end.slice(0, 40) : null;
}

/** A stable digest of the delivered body: the same delivery retried gives the same key. */
export function bodyDigest(req: InboundRequest): string {
  return createHash('sha256').update(req.rawBody).digest('hex').slice(0, 32);
}

function hookPath(state: Record<string, unknown>): string | null {
  const ws = clockifyId(state.workspaceId);
  const id = clockifyId(state.webhookId);
  return ws && id ? `/workspaces/${ws}/webhooks/${id}` : null;
}

export function clockifyWebhook(spec: ClockifyWebhookSpec): WebhookSource<ClockifyParams> {
  return {
    kind: 'webhook',
    verification: CLOCKIFY_TOKEN_SCHEME,
    async register(ctx) {
      const workspaceId = workspaceIdOf(ctx.params);
      const res = await ctx.http.request<{ id?: unknown; authToken?: unknown } | null>({
        method: 'POST',
        path: `/workspaces/${workspaceId}/webhooks`,
        json: {
          name: `OpenTriggers ${spec.event}`.slice(0, 30),
          url: ctx.hookUrl,
          webhookEvent: spec.event,
          triggerSource: [workspaceId],
          triggerSourceType: 'WORKSPACE_ID',
        },
        allowStatus: CLOCKIFY_HANDLED_STATUSES,
      });
      if (res.status >= 400) throw clockifyError(res, 'POST /workspaces/{workspaceId}/webhooks', ctx.now());
      const id = clockifyId(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Clockify created the webhook but answered without its id');
      const token = res.body?.authToken;
      if (typeof token !== 'string' || token === '') {
        // Nothing could be verified: remove the webhook rather than leave one we cannot check.
        await ctx.http.request({ method: 'DELETE', path: `/workspaces/${workspaceId}/webhooks/${id}`, allowStatus: [...CLOCKIFY_HANDLED_STATUSES, 500, 502, 503, 504] });
        throw new ProviderError('permanent', 'Clockify created the webhook but answered without its authToken');
      }
      return { state: { workspaceId, webhookId: id }, secret: token };
    },
    async unregister(ctx) {
      const path = hookPath(ctx.state);
      if (!path) return;
      const res = await ctx.http.request({ method: 'DELETE', path, allowStatus: CLOCKIFY_HANDLED_STATUSES });
      if (res.status === 404) {
        ctx.log.info('Clockify webhook was already deleted', { webhookId: ctx.state.webhookId });
        return;
      }
      if (res.status >= 400) throw clockifyError(res, 'DELETE /workspaces/{workspaceId}/webhooks/{webhookId}', ctx.now());
    },
    async check(ctx) {
      const path = hookPath(ctx.state);
      if (!path) return 'gone';
      const res = await ctx.http.request<{ enabled?: unknown } | null>({ method: 'GET', path, allowStatus: CLOCKIFY_HANDLED_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw clockifyError(res, 'GET /workspaces/{workspaceId}/webhooks/{webhookId}', ctx.now());
      return res.body?.enabled === false ? 'inactive' : 'active';
    },
    deliveryId(req) {
      const id = clockifyId(inboundJson(req)?.id);
      const event = inboundHeader(req, CLOCKIFY_EVENT_HEADER);
      return id && event ? `${event.slice(0, 40)}:${id}` : undefined;
    },
    toItems(req, ctx: WebhookContext<ClockifyParams>): Item[] {
      const event = inboundHeader(req, CLOCKIFY_EVENT_HEADER);
      if (event !== undefined && event !== spec.event) {
        ctx.log.info('Clockify delivery for another event; ignored', { event: event.slice(0, 40) });
        return [];
      }
      const body = inboundJson(req);
      if (!body) return [];
      const ws = clockifyId(body.workspaceId);
      if (ws && ws !== clockifyId(ctx.state.workspaceId)) {
        ctx.log.warn('Clockify delivery for another workspace; ignored', {});
        return [];
      }
      const key = spec.keyOf(body, req);
      if (!key) return [];
      const at = spec.event === 'TIMER_STOPPED' ? intervalTime(body, 'end') : spec.event === 'NEW_TIME_ENTRY' ? intervalTime(body, 'start') : undefined;
      return [{ key, payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
