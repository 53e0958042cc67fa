// BambooHR permissioned webhooks, one per trigger subscription (https://documentation.bamboohr.com/docs/permissioned-webhooks,
// https://documentation.bamboohr.com/docs/event-based-webhooks): `POST /webhooks` with a name, our URL, `format: json`,
// the event-based `events` (employee.created / employee.updated / employee.deleted) and, for employee.updated, the
// `monitorFields` whose changes fire it. BambooHR answers with the webhook's `id` and a `privateKey` it chose, shown
// only then: it is stored as the subscription's secret. `DELETE /webhooks/{id}` on unsubscribe; `GET /webhooks/{id}`
// every hour (`check`): a 404 makes the engine create it again.
//
// Verification: `X-BambooHR-Signature` is the hex HMAC-SHA256, keyed with the private key, of the raw body followed by
// the `X-BambooHR-Timestamp` header. The timestamp's format is not documented where we looked, so no freshness window
// is enforced (a replay is absorbed by the item keys).
//
// Keys: event-based bodies carry no event id. An item is keyed by the event type, the employee id, the event's
// `timestamp` (when it happened, the same on a retry) and, for updates, the sorted changed fields. No `redeliveryDays`:
// BambooHR retries 5xx answers five times over about 2.5 hours, but whether a webhook can be re-sent by hand later is
// not confirmed.
import { ProviderError, inboundJson, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { BAMBOOHR_ERROR_STATUSES, bamboohrError } from './api.js';

export const BAMBOOHR_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-bamboohr-signature',
  encoding: 'hex',
  signingString: '{body}{header:x-bamboohr-timestamp}',
};

export type BambooEventType = 'employee.created' | 'employee.updated' | 'employee.deleted';

/** An event-based webhook body: `{type, timestamp, data: {companyId, employeeId, changedFields?}}`. */
export interface BambooEvent {
  type: string;
  timestamp: string;
  employeeId: string;
  changedFields: string[];
}

export interface BambooWebhookSpec<P> {
  event: BambooEventType;
  /** The fields whose changes fire an employee.updated webhook (required by BambooHR for that event). */
  monitorFields?: (params: P) => string[];
  /** Keep only events this accepts (e.g. updates whose changedFields name `status`). */
  accept?: (event: BambooEvent) => boolean;
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : null;
}

export function bambooEventOf(body: unknown): BambooEvent | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as { type?: unknown; timestamp?: unknown; data?: unknown };
  const data = b.data && typeof b.data === 'object' && !Array.isArray(b.data) ? (b.data as Record<string, unknown>) : null;
  const employeeId = idText(data?.employeeId);
  if (typeof b.type !== 'string' || typeof b.timestamp !== 'string' || b.timestamp === '' || !employeeId) return null;
  const changed = Array.isArray(data?.changedFields) ? data.changedFields.filter((f): f is string => typeof f === 'string') : [];
  return { type: b.type, timestamp: b.timestamp, employeeId, changedFields: changed };
}

/** The item key: the same for BambooHR's retry of one event, different for two events. */
export function bambooEventKey(event: BambooEvent): string {
  const base = `${event.type}:${event.employeeId}:${event.timestamp}`;
  return event.changedFields.length > 0 ? `${base}:${[...event.changedFields].sort().join(',')}` : base;
}

/** BambooHR writes `2026-01-31T18:42:00+0000`; Date.parse wants a colon in the offset. */
function timeOf(value: string): number | undefined {
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : undefined;
}

/** A comma-separated list of BambooHR field names, e.g. `firstName, jobTitle`. */
export function fieldList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v !== '');
  if (typeof value !== 'string') return [];
  return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

export function bambooWebhook<P>(spec: BambooWebhookSpec<P>): WebhookSource<P> {
  return {
    kind: 'webhook',
    verification: BAMBOOHR_SIGNATURE,
    async register(ctx) {
      const monitorFields = spec.monitorFields?.(ctx.params);
      const res = await ctx.http.request<{ id?: unknown; privateKey?: unknown }>({
        method: 'POST',
        path: '/webhooks',
        json: {
          name: `OpenTriggers ${spec.event}`,
          url: ctx.hookUrl,
          format: 'json',
          events: [spec.event],
          ...(monitorFields ? { monitorFields } : {}),
        },
        allowStatus: BAMBOOHR_ERROR_STATUSES,
      });
      if (res.status >= 400) throw bamboohrError(res, 'creating the webhook', ctx.now());
      const id = idText(res.body?.id);
      const key = typeof res.body?.privateKey === 'string' && res.body.privateKey !== '' ? res.body.privateKey : null;
      if (!id || !key) throw new ProviderError('permanent', 'BambooHR created the webhook but answered without its id or privateKey');
      return { state: { webhookId: id }, secret: key };
    },
    async unregister(ctx) {
      const id = idText(ctx.state.webhookId);
      if (!id) return;
      // 404: already deleted in BambooHR.
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(id)}`, allowStatus: BAMBOOHR_ERROR_STATUSES });
      if (res.status >= 400 && res.status !== 404) throw bamboohrError(res, 'deleting the webhook', ctx.now());
    },
    async check(ctx) {
      const id = idText(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request({ path: `/webhooks/${encodeURIComponent(id)}`, allowStatus: BAMBOOHR_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw bamboohrError(res, 'reading the webhook', ctx.now());
      return 'active';
    },
    toItems(req: InboundRequest): Item[] {
      const body = inboundJson(req);
      const event = bambooEventOf(body);
      if (!event || event.type !== spec.event) return [];
      if (spec.accept && !spec.accept(event)) return [];
      const at = timeOf(event.timestamp);
      return [{ key: bambooEventKey(event), payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
