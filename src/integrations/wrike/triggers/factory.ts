import { defineTrigger } from '../../../sdk/index.js';
import { folderIdParameter, recursiveParameter, wrikeWebhook, type WrikeEventType, type WrikeParams } from '../webhooks.js';

export const WEBHOOKS_REFERENCE = 'https://developers.wrike.com/webhooks/';

/** One folder-webhook trigger for one Wrike event type. */
export function webhookTrigger(spec: { type: string; title: string; description: string; eventType: WrikeEventType; examplePayload: unknown }) {
  return defineTrigger<WrikeParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [folderIdParameter, recursiveParameter],
    examplePayload: spec.examplePayload,
    docsUrl: WEBHOOKS_REFERENCE,
    source: wrikeWebhook(spec.eventType),
  });
}
