// Ashby (ATS) through an API key (Admin → Integrations → API keys), sent as HTTP Basic with the key as user name and
// an empty password (https://developers.ashbyhq.com/docs/authentication). The key needs `apiKeysWrite` (webhook
// create/update/delete) and `apiKeysRead` (webhook.info, for the hourly check). Each trigger subscription creates one
// Ashby webhook of its type (see webhooks.ts). Ashby publishes no account id for a key (apiKey.info answers the key's
// title and scopes only), so the connected account is named by the credential. Setup: docs/integrations/ashby.md.
import { defineIntegration } from '../../sdk/index.js';
import { applicationSubmittedTrigger } from './triggers/application-submitted.js';
import { candidateHiredTrigger } from './triggers/candidate-hired.js';
import { candidateStageChangedTrigger } from './triggers/candidate-stage-changed.js';
import { interviewScheduleCreatedTrigger } from './triggers/interview-schedule-created.js';
import { offerCreatedTrigger } from './triggers/offer-created.js';

export { ASHBY_PING, ASHBY_SIGNATURE } from './webhooks.js';

export const ashbyIntegration = defineIntegration({
  key: 'ashby',
  name: 'Ashby',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: '' },
  apiBaseUrl: 'https://api.ashbyhq.com',
  docsUrl: 'https://developers.ashbyhq.com/docs/setting-up-webhooks',
  triggers: [applicationSubmittedTrigger, candidateHiredTrigger, candidateStageChangedTrigger, interviewScheduleCreatedTrigger, offerCreatedTrigger],
});
