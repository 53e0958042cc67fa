// Square webhooks are owned by the Square APPLICATION, not by a seller: "Because webhook subscriptions are owned
// by the application and not by any one seller, you cannot use OAuth access tokens with the Webhook Subscriptions
// API" (https://developer.squareup.com/docs/webhooks/webhook-subscriptions-api). So a connected seller's OAuth
// token cannot create or delete a subscription; instead the project's operator creates ONE subscription on the
// Square app (Developer Console, or the Webhook Subscriptions API with the app's personal access token) whose
// notification URL is the project's app webhook URL, and every seller who authorized the app is notified there.
// Each event names its seller in `merchant_id`, which routes it to the credentials of that merchant only.
//
// Verification: `x-square-hmacsha256-signature` is base64 HMAC-SHA256, keyed with the subscription's
// `signature_key` (the integration's webhookSecret), of the notification URL followed by the raw body
// (https://developer.squareup.com/docs/webhooks/step3validate). The URL is the absolute one Square called:
// `{publicUrl}` (OPENTRIGGERS_PUBLIC_URL plus the path), so the subscription's URL must be exactly the app
// webhook URL the admin API shows. No timestamp is signed.
import type { AppEvent, AppWebhookConfig, HmacScheme, InboundRequest, Item, ParameterDefinition } from '../../sdk/index.js';

export const SQUARE_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-square-hmacsha256-signature',
  encoding: 'base64',
  signingString: '{publicUrl}{body}',
};

/** A Square event notification: `{merchant_id, type, event_id, created_at, data: {type, id, object}}`. */
export interface SquareEvent {
  merchant_id?: unknown;
  location_id?: unknown;
  type?: unknown;
  event_id?: unknown;
  created_at?: unknown;
  data?: { type?: unknown; id?: unknown; object?: Record<string, unknown> | null } | null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const record = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export const squareAppWebhook: AppWebhookConfig = {
  verification: SQUARE_SIGNATURE,
  parse(req: InboundRequest): AppEvent[] {
    const e = record(req.body) as SquareEvent | undefined;
    const merchant = str(e?.merchant_id);
    const id = str(e?.event_id);
    const type = str(e?.type);
    if (!e || !merchant || !id || !type) return [];
    return [{ providerAccountId: merchant, deliveryId: id, eventType: type, event: e }];
  },
};

/** The optional location filter of the payment, order and invoice triggers. */
export const locationParameter: ParameterDefinition = {
  id: 'locationId',
  title: 'Location ID',
  type: 'TEXT',
  required: false,
  description: 'Only events of this Square location (e.g. L88917AVBK2S5). Leave empty for every location of the seller.',
  validate: (value) => (typeof value === 'string' && /^[A-Za-z0-9]{1,64}$/.test(value.trim()) ? null : 'must be a Square location ID (letters and digits, e.g. L88917AVBK2S5)'),
};

export interface SquareItemSpec {
  /** Event types (`payment.created`, …) this trigger reads. */
  eventTypes: readonly string[];
  /** The key of `data.object` holding the object (`payment`, `order_created`, `customer`, `invoice`). */
  objectKey: string;
  /** The object's id field (default `id`). */
  idField?: string;
  /** Keep only objects this accepts (a payment's status, an invoice's status). */
  accept?: (object: Record<string, unknown>) => boolean;
}

/**
 * Items of one trigger from one routed event: the whole notification as payload, keyed by the object's id, so
 * that Square's retries (same `event_id`), and for "completed"/"paid" triggers the later updates of an object
 * already in that state, are delivered once. Events of another location than `params.locationId` are skipped.
 */
export function squareItems(spec: SquareItemSpec, event: AppEvent, params: { locationId?: string }): Item[] {
  if (!spec.eventTypes.includes(event.eventType)) return [];
  const e = event.event as SquareEvent;
  const object = record(record(e.data?.object)?.[spec.objectKey]);
  const id = str(object?.[spec.idField ?? 'id']) ?? str(e.data?.id);
  if (!object || !id) return [];
  if (spec.accept && !spec.accept(object)) return [];
  const wanted = params.locationId?.trim();
  if (wanted && str(object.location_id) !== wanted) return [];
  const at = Date.parse(str(e.created_at) ?? '');
  return [{ key: id, payload: e, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}
