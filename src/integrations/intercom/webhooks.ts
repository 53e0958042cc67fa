// Intercom's app-level webhooks: topics are chosen once per app in the Developer Hub and notifications for
// every workspace that installed the app go to ONE URL (the project's app webhook URL). Each notification is
// signed `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, raw body)>` and names its workspace in `app_id`,
// which routes it to the credentials of that workspace.
import type { AppEvent, AppWebhookConfig, HmacScheme, InboundRequest, Item } from '../../sdk/index.js';

export const INTERCOM_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha1',
  header: 'x-hub-signature',
  prefix: 'sha1=',
  encoding: 'hex',
};

export interface IntercomNotification {
  type?: 'notification_event';
  id?: string;
  topic?: string;
  app_id?: string;
  created_at?: number;
  delivery_attempts?: number;
  data?: { type?: string; item?: { type?: string; id?: string; updated_at?: number; [k: string]: unknown } };
}

export const intercomAppWebhook: AppWebhookConfig = {
  verification: INTERCOM_SIGNATURE,
  parse(req: InboundRequest): AppEvent[] {
    const n = req.body as IntercomNotification | null;
    // `ping` (sent when the URL is saved and on demand) addresses no workspace's data.
    if (!n || n.type !== 'notification_event' || typeof n.app_id !== 'string' || typeof n.id !== 'string' || typeof n.topic !== 'string' || n.topic === 'ping') return [];
    return [{ providerAccountId: n.app_id, deliveryId: n.id, eventType: n.topic, event: n }];
  },
};

/**
 * Items for a company trigger: the company object (`data.item`) of notifications of `topic`. Intercom re-sends a
 * failed notification with the same `id`; created keys are the company id (one creation per company), updated
 * keys the company id plus the notification id (every update notification once, even two in one second).
 */
export function companyItems(event: AppEvent, topic: 'company.created' | 'company.updated'): Item[] {
  const n = event.event as IntercomNotification;
  const item = n.data?.item;
  if (event.eventType !== topic || !item || item.type !== 'company' || typeof item.id !== 'string') return [];
  const key = topic === 'company.created' ? item.id : `${item.id}:${event.deliveryId}`;
  return [{ key, payload: item, ...(typeof n.created_at === 'number' ? { occurredAt: n.created_at * 1000 } : {}) }];
}
