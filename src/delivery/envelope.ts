// What a delivery sends (SPEC §4): the JSON envelope around an event's payload, and the request headers.
// The body is serialised once per attempt and those exact bytes are both signed and sent.
import type { StoredEvent, WebhookOverride } from '../storage/port.js';
import {
  PARAGON_SIGNATURE_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './sign.js';

/** The body of every delivery, field for field as SPEC §4 lists it (Paragon-compatible). */
export interface Envelope {
  eventId: string;
  userId: string;
  integration: string;
  triggerType: string;
  triggerSubscriptionId: string | null;
  credentialId: string | null;
  projectId: string;
  /** ISO-8601: when the event was detected. */
  dateReceived: string;
  payload: unknown;
  /** The subscription's webhookOverride.metadata, or {} — lets one receiver route many subscriptions. */
  triggerSubscriptionMetadata: Record<string, unknown>;
}

/** The envelope's fields other than the payload, in SPEC order. */
type EnvelopeHead = Omit<Envelope, 'payload'>;

/** Everything but the payload: reading `event.payload` of a claimed event parses its stored JSON text. */
function envelopeHead(event: StoredEvent, override: Pick<WebhookOverride, 'metadata'> | null | undefined): EnvelopeHead {
  return {
    eventId: event.id,
    userId: event.userId,
    integration: event.integration,
    triggerType: event.triggerType,
    triggerSubscriptionId: event.subscriptionId,
    credentialId: event.credentialId,
    projectId: event.projectId,
    dateReceived: new Date(event.dateReceived).toISOString(),
    triggerSubscriptionMetadata: override?.metadata ?? {},
  };
}

export function toEnvelope(event: StoredEvent, override: Pick<WebhookOverride, 'metadata'> | null | undefined): Envelope {
  const { triggerSubscriptionMetadata, ...head } = envelopeHead(event, override);
  return { ...head, payload: event.payload ?? null, triggerSubscriptionMetadata };
}

/**
 * The body sent and signed: its UTF-8 encoding is the exact bytes. Kept a string up to the sender, which
 * encodes it once: a string crosses to the sender thread several times cheaper than a buffer.
 */
export function serializeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

/**
 * The same bytes as serializeEnvelope(toEnvelope(event, override)), from `payloadJson`, the payload as
 * stored (JSON.stringify of the same value), embedded as it is: the payload — most of the envelope — is
 * neither parsed (a claimed event's payload is parsed only if read) nor serialised a second time.
 */
export function serializeStoredEnvelope(event: StoredEvent, override: Pick<WebhookOverride, 'metadata'> | null | undefined, payloadJson: string): string {
  const { triggerSubscriptionMetadata, ...head } = envelopeHead(event, override);
  const headJson = JSON.stringify(head); // {"eventId":…,"dateReceived":…}: the fields before payload, in order
  const metadataJson = JSON.stringify(triggerSubscriptionMetadata);
  return `${headJson.slice(0, -1)},"payload":${payloadJson},"triggerSubscriptionMetadata":${metadataJson}}`;
}

export const CONTENT_TYPE = 'application/json';
export const USER_AGENT = 'OpenTriggers-Webhooks/1';

// Headers an override may never set: ours (signatures, content type) so a subscription cannot forge or
// break verification, and those the HTTP client owns (framing, connection management), which would corrupt
// the request or make undici refuse it.
const RESERVED = new Set([
  'content-type',
  PARAGON_SIGNATURE_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);

/**
 * The request headers of one attempt, before signing: defaults, then every override header (names
 * compared case-insensitively, so `Content-Type` cannot sneak past `content-type`), then our own headers
 * last. All names are lower-case, so each appears exactly once. The sender adds the signature headers
 * when it signs (sender.ts); their names are reserved here, so no override can carry one.
 */
export function deliveryHeaders(overrideHeaders: Record<string, string> | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  for (const [name, value] of Object.entries(overrideHeaders ?? {})) {
    const lower = name.toLowerCase();
    if (!RESERVED.has(lower)) headers[lower] = value;
  }
  headers['content-type'] = CONTENT_TYPE;
  return headers;
}
