// One trigger per Paddle event type: each subscription creates its own notification destination (see webhooks.ts).
// Paddle destinations cannot be narrowed to one product or customer, so the triggers take no parameters.
import { defineTrigger, type TriggerDefinition } from '../../../sdk/index.js';
import { paddleWebhook, type PaddleEventType } from '../webhooks.js';

export function paddleEventTrigger(def: { type: string; title: string; event: PaddleEventType; description: string; example: unknown; docsPath: string }): TriggerDefinition {
  return defineTrigger({
    type: def.type,
    title: def.title,
    description: `${def.description} Delivers the webhook body \`{event_id, event_type, occurred_at, notification_id, data}\`; each event once, by \`event_id\`.`,
    parameters: [],
    examplePayload: def.example,
    docsUrl: `https://developer.paddle.com/webhooks/${def.docsPath}`,
    source: paddleWebhook(def.event),
  });
}

