// QuickBooks Online's app webhook: one endpoint per Intuit app (developer portal → Webhooks), for every company
// (realm) connected to the app. Each POST is signed `intuit-signature: base64(HMAC-SHA256(verifier token, raw
// body))`; the verifier token is shown on the app's webhooks page and is the integration's webhookSecret.
//
// Two body formats exist (Intuit moved every app to CloudEvents by May 15, 2026; both are parsed):
// - legacy: `{"eventNotifications": [{"realmId", "dataChangeEvent": {"entities": [{name, id, operation,
//   lastUpdated}]}}]}`
// - CloudEvents: `[{"specversion": "1.0", "id", "type": "qbo.invoice.created.v1", "time", "intuitentityid",
//   "intuitaccountid": <realmId>, "data": {}}]`
// Notifications are thin (which entity changed, never its fields). Each realm becomes one AppEvent routed to the
// credentials whose provider account id is that realmId; the triggers poll that company at once
// (pollOnAppEvent) and read the full entities from the API (changes.ts).
import { createHash } from 'node:crypto';
import type { AppEvent, AppWebhookConfig, HmacScheme, InboundRequest } from '../../sdk/index.js';

export const QUICKBOOKS_SIGNATURE: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'intuit-signature', encoding: 'base64' };

/** One changed entity as a notification names it. `name` as Intuit writes it (legacy `Invoice`, CloudEvents `invoice`). */
export interface ChangedEntity {
  name: string;
  id: string;
  operation: string;
  lastUpdated?: string;
}

export interface RealmChanges {
  realmId: string;
  entities: ChangedEntity[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** CloudEvents verbs (`qbo.<entity>.<verb>.v1`) as the legacy operation names. */
const VERBS: Record<string, string> = { created: 'Create', updated: 'Update', deleted: 'Delete', merged: 'Merge', voided: 'Void', emailed: 'Emailed' };

function fromLegacy(body: unknown): RealmChanges[] {
  const notifications = (body as { eventNotifications?: unknown } | null)?.eventNotifications;
  if (!Array.isArray(notifications)) return [];
  const out: RealmChanges[] = [];
  for (const n of notifications as Array<{ realmId?: unknown; dataChangeEvent?: { entities?: unknown } } | null>) {
    const realmId = str(n?.realmId);
    const raw = n?.dataChangeEvent?.entities;
    if (!realmId || !Array.isArray(raw)) continue;
    const entities: ChangedEntity[] = [];
    for (const e of raw as Array<Record<string, unknown> | null>) {
      const name = str(e?.name);
      const id = str(e?.id);
      const operation = str(e?.operation);
      if (!name || !id || !operation) continue;
      const lastUpdated = str(e?.lastUpdated);
      entities.push({ name, id, operation, ...(lastUpdated ? { lastUpdated } : {}) });
    }
    out.push({ realmId, entities });
  }
  return out;
}

function fromCloudEvents(body: unknown): RealmChanges[] {
  if (!Array.isArray(body)) return [];
  const byRealm = new Map<string, ChangedEntity[]>();
  for (const e of body as Array<Record<string, unknown> | null>) {
    const realmId = str(e?.intuitaccountid);
    const id = str(e?.intuitentityid);
    const m = /^qbo\.([A-Za-z]+)\.([A-Za-z]+)\.v\d+$/.exec(str(e?.type) ?? '');
    if (!realmId || !id || !m) continue;
    const verb = m[2]!.toLowerCase();
    const time = str(e?.time);
    const list = byRealm.get(realmId) ?? [];
    list.push({ name: m[1]!, id, operation: VERBS[verb] ?? verb, ...(time ? { lastUpdated: time } : {}) });
    byRealm.set(realmId, list);
  }
  return [...byRealm].map(([realmId, entities]) => ({ realmId, entities }));
}

/** The changes a verified notification announces, per realm (either format; anything else: none). */
export function parseNotification(body: unknown): RealmChanges[] {
  return Array.isArray(body) ? fromCloudEvents(body) : fromLegacy(body);
}

export const quickbooksAppWebhook: AppWebhookConfig = {
  verification: QUICKBOOKS_SIGNATURE,
  parse(req: InboundRequest): AppEvent[] {
    const digest = createHash('sha256').update(req.rawBody).digest('hex').slice(0, 32);
    return parseNotification(req.body)
      .filter((r) => r.entities.length > 0)
      .map((r) => ({ providerAccountId: r.realmId, deliveryId: `${digest}:${r.realmId}`, eventType: 'dataChangeEvent', event: r }));
  },
};

/** Whether an app event names an entity of this type (case-insensitive: the two formats spell it differently). */
export function announces(event: AppEvent, entity: string): boolean {
  const changes = event.event as RealmChanges | undefined;
  const wanted = entity.toLowerCase();
  return Array.isArray(changes?.entities) && changes.entities.some((e) => e.name.toLowerCase() === wanted);
}
