import { defineTrigger } from '../../../sdk/index.js';
import formResponsePartial from '../fixtures/form-response-partial.json' with { type: 'json' };
import { typeformWebhook, type TypeformParams } from '../webhooks.js';
import { formIdParameter } from './params.js';

export const newPartialResponseTrigger = defineTrigger<TypeformParams>({
  type: 'TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE',
  title: 'New partial response',
  description:
    'Fires when Typeform sends a partial (not yet submitted) response of the form (`form_response_partial`; the form must collect partial responses). Delivers the webhook body; each distinct set of answers of a response token is delivered once. The completed response fires TYPEFORM_TRIGGER_NEW_RESPONSE.',
  parameters: [formIdParameter],
  examplePayload: formResponsePartial,
  docsUrl: 'https://www.typeform.com/developers/webhooks/reference/create-or-update-webhook/',
  source: typeformWebhook('form_response_partial'),
});
