import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { deskWebhook, departmentIdsParameter, type DeskEventType, type DeskParams, type DeskTriggerKind } from '../webhooks.js';

export const WEBHOOKS_REFERENCE = 'https://desk.zoho.com/support/WebhookDocument.do';

/** One webhook trigger for one Zoho Desk event type. Contacts belong to no department: no department filter. */
export function webhookTrigger(spec: { type: string; title: string; description: string; eventType: DeskEventType; kind: DeskTriggerKind; examplePayload: unknown }) {
  const parameters: ParameterDefinition[] = spec.eventType === 'Contact_Add' ? [] : [departmentIdsParameter];
  return defineTrigger<DeskParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters,
    examplePayload: spec.examplePayload,
    docsUrl: WEBHOOKS_REFERENCE,
    source: deskWebhook(spec.eventType, spec.kind),
  });
}
