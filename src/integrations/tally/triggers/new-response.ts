import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { validateFormId } from '../api.js';
import formResponse from '../fixtures/form-response.json' with { type: 'json' };
import { tallyResponseWebhook, type TallyParams } from '../webhooks.js';

export const formIdParameter: ParameterDefinition = {
  id: 'formId',
  title: 'Form',
  type: 'TEXT',
  required: true,
  placeholder: 'mexJoq',
  description: "The form's id: the part after /r/ in its share link (https://tally.so/r/mexJoq → mexJoq) or after /forms/ in the editor's URL. The connected user must be able to manage the form's integrations.",
  validate: validateFormId,
};

export const newResponseTrigger = defineTrigger<TallyParams>({
  type: 'TALLY_TRIGGER_NEW_RESPONSE',
  title: 'New form response',
  description:
    'Fires when someone submits the form (Tally `FORM_RESPONSE` webhook, created on the form for this subscription and deleted on unsubscribe). Delivers the webhook body `{eventId, eventType, createdAt, data: {responseId, submissionId, respondentId, formId, formName, createdAt, fields: [{key, label, type, value, options?}]}}`, once per response.',
  parameters: [formIdParameter],
  examplePayload: formResponse,
  docsUrl: 'https://tally.so/help/webhooks',
  source: tallyResponseWebhook(),
});
