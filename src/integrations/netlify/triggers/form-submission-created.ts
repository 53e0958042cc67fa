import { defineTrigger } from '../../../sdk/index.js';
import { formSubmission } from '../fixtures/events.js';
import { NETLIFY_HOOKS_DOCS, netlifyWebhook, type NetlifyParams } from '../webhooks.js';
import { submissionParameters } from './params.js';

export const formSubmissionCreatedTrigger = defineTrigger<NetlifyParams>({
  type: 'NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED',
  title: 'Form submission created',
  description:
    'Fires when a visitor submits a Netlify Form of the site, or only of one form (Netlify event `submission_created`; spam is not sent). Delivers the submission: `id`, `number`, `form_id`, `form_name`, `email`, `name`, `first_name`, `last_name`, `company`, `summary`, `body`, `data` (every field, plus `ip`, `user_agent`, `referrer`), `human_fields`, `ordered_human_fields`, `site_url`, `created_at`.',
  parameters: submissionParameters,
  examplePayload: formSubmission,
  docsUrl: NETLIFY_HOOKS_DOCS,
  source: netlifyWebhook('submission_created'),
});
