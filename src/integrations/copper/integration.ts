// Copper CRM (Developer API v1). Auth: an API key, with the key owner's email — both required on every call
// (https://developer.copper.com/introduction/requests.html): the key is the credential's apiKey (sent as
// X-PW-AccessToken), `X-PW-Application: developer_api` is a default header, and the email is the credential's
// `extra.userEmail`, sent as X-PW-UserEmail on each request (`credentialHeaders`). Each trigger subscription creates one Copper
// webhook (webhooks.ts). Setup: docs/integrations/copper.md.
import { defineIntegration } from '../../sdk/index.js';
import { copperHeaders } from './api.js';
import { companyCreatedTrigger } from './triggers/company-created.js';
import { leadCreatedTrigger } from './triggers/lead-created.js';
import { opportunityCreatedTrigger } from './triggers/opportunity-created.js';
import { opportunityStageChangedTrigger } from './triggers/opportunity-stage-changed.js';
import { personCreatedTrigger } from './triggers/person-created.js';

export { COPPER_SECRET_FIELD, COPPER_SECRET_SCHEME } from './webhooks.js';

export const copperIntegration = defineIntegration({
  key: 'copper',
  name: 'Copper',
  auth: { kind: 'apiKey', header: 'x-pw-accesstoken' },
  apiBaseUrl: 'https://api.copper.com/developer_api/v1',
  docsUrl: 'https://developer.copper.com/introduction/requests.html',
  defaultHeaders: { 'x-pw-application': 'developer_api' },
  credentialHeaders: copperHeaders,
  triggers: [leadCreatedTrigger, personCreatedTrigger, companyCreatedTrigger, opportunityCreatedTrigger, opportunityStageChangedTrigger],
});
