// The signature request triggers: one Dropbox Sign event type each, on the account callback (events.ts).
import { defineTrigger, type ParameterDefinition, type TriggerDefinition } from '../../../sdk/index.js';
import { matchSignatureRequestEvent, validateTemplateId, type SignatureRequestParams } from '../events.js';

const parameters: ParameterDefinition[] = [
  {
    id: 'templateId',
    title: 'Template ID',
    type: 'TEXT',
    required: false,
    description: 'Only signature requests created from this template (its id, from the template list or URL).',
    validate: validateTemplateId,
  },
  {
    id: 'excludeTestMode',
    title: 'Exclude test mode requests',
    type: 'BOOLEAN_INPUT',
    required: false,
    defaultValue: false,
    description: 'Leave out signature requests sent with test_mode.',
    validate: (v) => (v === undefined || typeof v === 'boolean' ? null : 'must be true or false'),
  },
];

export function signatureRequestTrigger(spec: {
  type: string;
  title: string;
  description: string;
  eventType: string;
  example: unknown;
}): TriggerDefinition<SignatureRequestParams> {
  return defineTrigger<SignatureRequestParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters,
    examplePayload: spec.example,
    docsUrl: 'https://developers.hellosign.com/docs/events/overview/',
    source: {
      kind: 'appWebhook',
      match: (event, params) => matchSignatureRequestEvent(spec.eventType, event, params),
    },
  });
}
