import { defineTrigger } from '../../../sdk/index.js';
import { eventIdParameter, eventbriteWebhook, organizationIdParameter, type EventbriteAction, type EventbriteParams } from '../webhooks.js';

export const WEBHOOKS_REFERENCE = 'https://www.eventbrite.com/platform/docs/webhooks';

/** One Eventbrite-webhook trigger for one action. */
export function webhookTrigger(spec: { type: string; title: string; description: string; action: EventbriteAction; examplePayload: unknown; perEvent?: boolean }) {
  return defineTrigger<EventbriteParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    // A webhook for `event.created` cannot name an event that does not exist yet: no eventId there.
    parameters: spec.perEvent === false ? [organizationIdParameter] : [organizationIdParameter, eventIdParameter],
    examplePayload: spec.examplePayload,
    docsUrl: WEBHOOKS_REFERENCE,
    source: eventbriteWebhook(spec.action),
  });
}
