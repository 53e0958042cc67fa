// MailerLite webhooks, one per trigger subscription (https://developers.mailerlite.com/docs/webhooks):
// `POST /webhooks` `{name, events: [one event], url, enabled: true, batchable: false}` answers `{data: {id, secret, …}}`;
// the `secret` MailerLite chose is stored as the subscription's secret. `DELETE /webhooks/{id}` on unsubscribe
// (404 tolerated); `GET /webhooks/{id}` every hour (`check`): 404 → gone; `enabled: false` (MailerLite disables a
// webhook whose endpoint keeps failing) → deleted and created again.
//
// Non-batched on purpose: each delivery is one event, the event object itself (a subscriber with `event` and
// `account_id` next to its fields; `{type, subscriber, group, account_id}` for group events; the campaign for
// campaign.sent). With `batchable: true` MailerLite groups a minute's events into one request, an envelope we
// do not need.
//
// Verification: `Signature` is the hex HMAC-SHA256 of the raw JSON body, keyed with the webhook's secret. No
// timestamp is signed, so a replay cannot be refused by age; item keys make a replay deliver nothing new.
//
// Keys: MailerLite's deliveries carry no event id, so each trigger keys by object and version (see the specs in
// triggers/). A retry (10, 100, 1000 s later) re-sends the same event, so the same key. No `redeliveryDays`:
// items are keyed by objects that later events may name again.
import { inboundJson, ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { MAILERLITE_ERROR_STATUSES, mailerliteError } from './api.js';

export const mailerliteSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'signature',
  encoding: 'hex',
  signingString: '{body}',
};

export type MailerLiteEvent = 'subscriber.created' | 'subscriber.unsubscribed' | 'subscriber.added_to_group' | 'campaign.sent';

export type MailerLiteParams = { groupId?: string };

export interface MailerLiteWebhookSpec {
  event: MailerLiteEvent;
  /** The item's key and time for one delivered body, or null when the body is not one of this trigger's events. */
  itemOf(body: Record<string, unknown>, params: MailerLiteParams): { key: string; occurredAt?: number } | null;
}

interface MailerLiteWebhook {
  id?: unknown;
  secret?: unknown;
  enabled?: unknown;
}

export function idOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : null;
}

export function objectOf(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** MailerLite writes times as "2024-02-05 21:48:53" (UTC, no zone) or RFC 3339 ("2024-02-05T21:48:53.000000Z"). */
export function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const ms = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The event a body names (`event` on flat subscriber events, `type` on group events); undefined when it names none. */
export function eventNameOf(body: Record<string, unknown>): string | undefined {
  for (const k of ['event', 'type']) {
    const v = body[k];
    if (typeof v === 'string' && v.includes('.')) return v;
  }
  return undefined;
}

export function mailerliteWebhook(spec: MailerLiteWebhookSpec): WebhookSource<MailerLiteParams> {
  return {
    kind: 'webhook',
    verification: mailerliteSignatureScheme,
    async register(ctx) {
      const res = await ctx.http.request<{ data?: MailerLiteWebhook }>({
        method: 'POST',
        path: '/webhooks',
        json: { name: `OpenTriggers ${spec.event}`, events: [spec.event], url: ctx.hookUrl, enabled: true, batchable: false },
        allowStatus: MAILERLITE_ERROR_STATUSES,
      });
      if (res.status >= 400) throw mailerliteError(res, ctx.now());
      const id = idOf(res.body?.data?.id);
      const secret = res.body?.data?.secret;
      if (!id || typeof secret !== 'string' || secret === '') {
        throw new ProviderError('permanent', 'MailerLite created the webhook but answered without its id or secret');
      }
      return { state: { webhookId: id }, secret };
    },
    async unregister(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(id)}`, allowStatus: MAILERLITE_ERROR_STATUSES });
      if (res.status >= 400 && res.status !== 404) throw mailerliteError(res, ctx.now());
    },
    async check(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request<{ data?: MailerLiteWebhook }>({ path: `/webhooks/${encodeURIComponent(id)}`, allowStatus: MAILERLITE_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw mailerliteError(res, ctx.now());
      return res.body?.data?.enabled === false ? 'inactive' : 'active';
    },
    toItems(req: InboundRequest, ctx): Item[] {
      const body = inboundJson(req);
      if (!body) return [];
      // Each webhook is registered for one event; a body naming another one is not ours.
      const named = eventNameOf(body);
      if (named !== undefined && named !== spec.event) return [];
      const item = spec.itemOf(body, ctx.params);
      return item ? [{ key: item.key, payload: body, ...(item.occurredAt !== undefined ? { occurredAt: item.occurredAt } : {}) }] : [];
    },
  };
}
