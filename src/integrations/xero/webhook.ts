// Xero's app webhook: one delivery URL per Xero app (developer portal → Webhooks), for every organisation
// (tenant) connected to the app. Each POST is signed `x-xero-signature: base64(HMAC-SHA256(webhook key, raw
// body))`; the webhook key is shown on the app's Webhooks page and is the integration's webhookSecret.
// Body: `{"events": [{resourceUrl, resourceId, eventDateUtc, eventType: CREATE|UPDATE, eventCategory:
// INVOICE|CONTACT, tenantId, tenantType}], firstEventSequence, lastEventSequence, entropy}`.
// "Intent to receive": before enabling the URL, Xero sends payloads with an empty `events` array, some signed
// correctly and some not, and expects 200 for the first and 401 for the others; the engine answers 401 to a bad
// signature before anything is parsed, and an empty `events` array is 200 with no events.
// Events are thin (which record changed, never its fields). Each tenant becomes one AppEvent routed to the
// credentials whose provider account id is that tenantId; the triggers poll that tenant at once (pollOnAppEvent)
// and read the full records from the API (changes.ts).
import { createHash } from 'node:crypto';
import type { AppEvent, AppWebhookConfig, HmacScheme, InboundRequest } from '../../sdk/index.js';

export const XERO_SIGNATURE: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-xero-signature', encoding: 'base64' };

export interface XeroEvent {
  category: string;
  type: string;
  resourceId: string;
  eventDateUtc?: string;
}

export interface TenantEvents {
  tenantId: string;
  events: XeroEvent[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The events of a verified payload, per tenant (anything malformed is skipped). */
export function parsePayload(body: unknown): TenantEvents[] {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return [];
  const byTenant = new Map<string, XeroEvent[]>();
  for (const e of events as Array<Record<string, unknown> | null>) {
    const tenantId = str(e?.tenantId);
    const category = str(e?.eventCategory);
    const type = str(e?.eventType);
    const resourceId = str(e?.resourceId);
    if (!tenantId || !category || !type || !resourceId) continue;
    const eventDateUtc = str(e?.eventDateUtc);
    const list = byTenant.get(tenantId) ?? [];
    list.push({ category: category.toUpperCase(), type: type.toUpperCase(), resourceId, ...(eventDateUtc ? { eventDateUtc } : {}) });
    byTenant.set(tenantId, list);
  }
  return [...byTenant].map(([tenantId, list]) => ({ tenantId, events: list }));
}

export const xeroAppWebhook: AppWebhookConfig = {
  verification: XERO_SIGNATURE,
  // Xero reads only the status; an empty body is the safest answer to its intent-to-receive checks.
  emptyAcknowledgement: true,
  parse(req: InboundRequest): AppEvent[] {
    const digest = createHash('sha256').update(req.rawBody).digest('hex').slice(0, 32);
    return parsePayload(req.body).map((t) => ({ providerAccountId: t.tenantId, deliveryId: `${digest}:${t.tenantId}`, eventType: 'events', event: t }));
  },
};

/** Whether an app event names a record of this category (INVOICE, CONTACT). */
export function announces(event: AppEvent, category: string): boolean {
  const t = event.event as TenantEvents | undefined;
  return Array.isArray(t?.events) && t.events.some((e) => e.category === category);
}
