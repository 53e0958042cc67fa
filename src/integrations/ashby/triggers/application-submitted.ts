import { defineTrigger } from '../../../sdk/index.js';
import { applicationSubmit } from '../fixtures/events.js';
import { ASHBY_WEBHOOKS_DOCS, ashbyWebhook, type AshbyParams } from '../webhooks.js';

export const applicationSubmittedTrigger = defineTrigger<AshbyParams>({
  type: 'ASHBY_TRIGGER_APPLICATION_SUBMITTED',
  title: 'Application submitted',
  description:
    'Fires when a candidate submits an application or is added to a job by hand in Ashby (webhook `applicationSubmit`; not for bulk imports or integration syncs). Delivers the webhook body `{action, data: {application}}`: the application with its `candidate` (name, primary email and phone), `job`, `currentInterviewStage`, `source` and `status`.',
  parameters: [],
  examplePayload: applicationSubmit,
  docsUrl: ASHBY_WEBHOOKS_DOCS,
  source: ashbyWebhook('applicationSubmit'),
});
