// GOOGLE_FORMS_TRIGGER_NEW_RESPONSE (polling): a response submitted to a form (see responses.ts).
import { defineTrigger } from '../../../sdk/index.js';
import { RESPONSES_LIST_DOCS, validateFormId, type FormsParams } from '../api.js';
import { newResponseExample } from '../fixtures/examples.js';
import { newResponseSource } from './responses.js';

export const newResponse = defineTrigger<FormsParams>({
  type: 'GOOGLE_FORMS_TRIGGER_NEW_RESPONSE',
  title: 'New Response',
  description: 'Trigger when a new response is submitted to a form in Google Forms.',
  parameters: [
    {
      id: 'formId',
      title: 'Form',
      type: 'TEXT',
      required: true,
      description: 'The form id: the part between /d/ and /edit in https://docs.google.com/forms/d/<id>/edit (not the /d/e/… link respondents use).',
      placeholder: '1FAIpQLSexampleFormId0123456789',
      validate: validateFormId,
    },
  ],
  examplePayload: newResponseExample,
  docsUrl: RESPONSES_LIST_DOCS,
  source: newResponseSource(),
});
