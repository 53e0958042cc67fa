import { defineTrigger } from '../../../sdk/index.js';
import { formIdParameter } from '../api.js';
import webhookSubmission from '../fixtures/webhook-submission.json' with { type: 'json' };
import { submissionWebhook, type SubmissionParams } from '../webhooks.js';

export const newSubmissionTrigger = defineTrigger<SubmissionParams>({
  type: 'JOTFORM_TRIGGER_NEW_SUBMISSION',
  title: 'New submission',
  description:
    'Fires once for each submission of one form, pushed by a Jotform form webhook. Delivers the webhook fields `{formID, submissionID, formTitle, ip, pretty, rawRequest, …}` with `rawRequest` (the answers, keyed `q<n>_<name>`) decoded from its JSON string.',
  parameters: [formIdParameter],
  examplePayload: webhookSubmission,
  docsUrl: 'https://www.jotform.com/help/245-how-to-setup-a-webhook-with-jotform/',
  source: submissionWebhook(),
});
