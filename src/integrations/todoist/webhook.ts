// Todoist's app webhook: one callback URL per app (App Management Console → Webhooks), for every user who
// authorized the app through OAuth. Each POST carries one event for one user:
//   {"event_name": "item:added", "user_id": "…", "event_data": {…}, "event_data_extra"?: {…},
//    "initiator": {…}, "triggered_at": "…", "version": "…"}
// signed `X-Todoist-Hmac-SHA256: <base64 HMAC-SHA256(app client secret, raw body)>`, with
// `X-Todoist-Delivery-ID` naming the notification (the same id again when Todoist retries it).
// Sources: docs/integrations/todoist.md, "Facts".
import { createHash } from 'node:crypto';
import { inboundHeader, inboundJson, type AppEvent, type AppWebhookConfig, type HmacScheme, type InboundRequest } from '../../sdk/index.js';

/** Base64 HMAC-SHA256 of the raw body, keyed with the app's client secret; no timestamp is signed. */
export const TODOIST_SIGNATURE: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-todoist-hmac-sha256', encoding: 'base64' };

/** The webhook body's fields this integration reads. */
export interface TodoistWebhookBody {
  event_name: string;
  user_id: string;
  event_data: Record<string, unknown>;
  initiator?: Record<string, unknown>;
  triggered_at?: string;
  version?: string;
  event_data_extra?: Record<string, unknown>;
  [k: string]: unknown;
}

function idString(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  // Sync v9-era payloads sent numeric ids.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return undefined;
}

/**
 * One verified request → one event addressed to `user_id` (the user the notification is for; with shared
 * projects a collaborator's change reaches every member, each as their own notification). The delivery id
 * is Todoist's X-Todoist-Delivery-ID, stable across Todoist's retries; without it, a digest of the exact
 * body, so a re-sent identical request is still one event.
 */
export function parseTodoistRequest(req: InboundRequest): AppEvent[] {
  const body = inboundJson(req);
  if (!body) return [];
  const eventName = typeof body.event_name === 'string' ? body.event_name : '';
  const userId = idString(body.user_id);
  const data = body.event_data;
  if (!eventName || !userId || data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const deliveryId = inboundHeader(req, 'x-todoist-delivery-id') ?? `sha256:${createHash('sha256').update(req.rawBody).digest('hex')}`;
  return [{ providerAccountId: userId, deliveryId, eventType: eventName, event: { ...body, user_id: userId } }];
}

export const todoistAppWebhook: AppWebhookConfig = {
  verification: TODOIST_SIGNATURE,
  parse: parseTodoistRequest,
};
