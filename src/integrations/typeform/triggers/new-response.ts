import { defineTrigger } from '../../../sdk/index.js';
import formResponse from '../fixtures/form-response.json' with { type: 'json' };
import { typeformWebhook, type TypeformParams } from '../webhooks.js';
import { formIdParameter } from './params.js';

export const newResponseTrigger = defineTrigger<TypeformParams>({
  type: 'TYPEFORM_TRIGGER_NEW_RESPONSE',
  title: 'New form response',
  description:
    'Fires when someone submits the form (Typeform `form_response`). Delivers the webhook body `{event_id, event_type, form_response: {form_id, token, submitted_at, answers, hidden, variables, definition, …}}`, once per response token.',
  parameters: [formIdParameter],
  examplePayload: formResponse,
  docsUrl: 'https://www.typeform.com/developers/webhooks/example-payload/',
  source: typeformWebhook('form_response'),
});
