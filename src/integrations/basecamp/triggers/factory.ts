import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { basecampWebhook, type BasecampParams, type WebhookSpec } from '../webhooks.js';

export const WEBHOOKS_REFERENCE = 'https://github.com/basecamp/bc3-api/blob/master/sections/webhooks.md';

/** One project-webhook trigger for one Basecamp event kind. */
export function webhookTrigger(spec: WebhookSpec & { type: string; title: string; description: string; parameters: ParameterDefinition[]; examplePayload: unknown }) {
  return defineTrigger<BasecampParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: spec.parameters,
    examplePayload: spec.examplePayload,
    docsUrl: WEBHOOKS_REFERENCE,
    source: basecampWebhook({ recordingType: spec.recordingType, kind: spec.kind, keyBy: spec.keyBy, usesTodolist: spec.usesTodolist }),
  });
}
