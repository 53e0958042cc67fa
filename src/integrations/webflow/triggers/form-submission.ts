import { defineTrigger } from '../../../sdk/index.js';
import formSubmission from '../fixtures/form-submission.json' with { type: 'json' };
import { webflowWebhook, type WebflowParams } from '../webhooks.js';
import { formNameParameter, siteIdParameter } from './params.js';

export const formSubmissionTrigger = defineTrigger<WebflowParams>({
  type: 'WEBFLOW_TRIGGER_FORM_SUBMISSION',
  title: 'New form submission',
  description:
    'Fires when a visitor submits a form on the site (Webflow `form_submission`), optionally only for one form by name. Delivers the webhook body: `{triggerType, payload: {id, name, siteId, formId, data, schema, submittedAt}}`.',
  parameters: [siteIdParameter, formNameParameter],
  examplePayload: formSubmission,
  docsUrl: 'https://developers.webflow.com/data/reference/webhooks/events/form-submission',
  source: webflowWebhook('form_submission'),
});
