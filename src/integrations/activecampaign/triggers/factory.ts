import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { activeCampaignWebhook, type AcParams, type WebhookSpec } from '../webhooks.js';

export const WEBHOOKS_REFERENCE = 'https://developers.activecampaign.com/reference/webhooks';

/** One account-webhook trigger for one ActiveCampaign event. */
export function webhookTrigger(spec: WebhookSpec & { type: string; title: string; description: string; parameters: ParameterDefinition[]; examplePayload: unknown }) {
  return defineTrigger<AcParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: spec.parameters,
    examplePayload: spec.examplePayload,
    docsUrl: WEBHOOKS_REFERENCE,
    source: activeCampaignWebhook(spec),
  });
}
