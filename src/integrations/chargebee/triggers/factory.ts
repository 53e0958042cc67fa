import { defineTrigger } from '../../../sdk/index.js';
import { CHARGEBEE_WEBHOOKS_DOCS, chargebeeWebhook, type ChargebeeEventType } from '../webhooks.js';

/** One Chargebee event trigger: its own webhook endpoint enabled for `eventType` alone, keyed by the event id. */
export function chargebeeTrigger(type: string, eventType: ChargebeeEventType, title: string, description: string, examplePayload: unknown) {
  return defineTrigger<Record<string, never>>({
    type,
    title,
    description,
    parameters: [],
    examplePayload,
    docsUrl: `${CHARGEBEE_WEBHOOKS_DOCS}/webhook/${eventType}`,
    source: chargebeeWebhook(eventType),
  });
}
