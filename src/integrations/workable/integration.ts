// Workable (ATS) for one account per credential. Candidate created / moved arrive through Workable webhook
// subscriptions, one per trigger subscription (webhooks.ts); candidate updates are polled. Setup:
// docs/integrations/workable.md.
//
// Auth: an API access token (Settings → Integrations → Apps → Generate API token, with the r_candidates scope), sent
// as `Authorization: Bearer` (https://workable.readme.io/reference/generate-an-access-token). The API lives on the
// account's own host, `https://{subdomain}.workable.com/spi/v3`: the credential names its account
// (`extra.subdomain`, e.g. `groove-tech`), which fills the placeholder (ADR 0027).
import { defineIntegration } from '../../sdk/index.js';
import { candidateCreatedTrigger } from './triggers/candidate-created.js';
import { candidateMovedTrigger } from './triggers/candidate-moved.js';
import { candidateUpdatedTrigger } from './triggers/candidate-updated.js';

export const workableIntegration = defineIntegration({
  key: 'workable',
  name: 'Workable',
  auth: { kind: 'apiKey', header: 'Authorization', prefix: 'Bearer ' },
  accountParameters: [{ name: 'subdomain', description: "the account's Workable subdomain, e.g. groove-tech for groove-tech.workable.com", acceptSuffix: '.workable.com' }],
  apiBaseUrl: 'https://{subdomain}.workable.com/spi/v3',
  docsUrl: 'https://workable.readme.io/reference/webhook-subscriptions-candidates-employees',
  triggers: [candidateCreatedTrigger, candidateMovedTrigger, candidateUpdatedTrigger],
});
