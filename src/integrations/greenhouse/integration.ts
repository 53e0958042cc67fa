// Greenhouse Recruiting through the Harvest API v3 (https://harvest.greenhouse.io/v3). Setup:
// docs/integrations/greenhouse.md. Harvest v1/v2 (API keys) were removed on 2026-08-31; v3 only takes OAuth tokens.
//
// Auth: each account is a "Harvest V3 (OAuth)" API credential the customer creates in Greenhouse (Dev Center → API
// Credentials), with its scopes chosen there. The engine exchanges its client id and secret at
// `POST https://auth.greenhouse.io/token` (HTTP Basic client authentication, form `grant_type=client_credentials` and
// `sub=<numeric Greenhouse user id>`, the user the calls act as) and sends `Authorization: Bearer` (ADR 0028). No
// `scope` is sent: the credential's scopes are configured in Greenhouse.
//
// Greenhouse's webhooks are configured in its UI only (no API registers them), so every trigger polls (poll.ts).
import { defineIntegration } from '../../sdk/index.js';
import { applicationCreatedTrigger } from './triggers/application-created.js';
import { applicationUpdatedTrigger } from './triggers/application-updated.js';
import { candidateCreatedTrigger } from './triggers/candidate-created.js';
import { jobCreatedTrigger } from './triggers/job-created.js';
import { offerCreatedTrigger } from './triggers/offer-created.js';

export const greenhouseIntegration = defineIntegration({
  key: 'greenhouse',
  name: 'Greenhouse',
  auth: {
    kind: 'clientCredentials',
    tokenUrl: 'https://auth.greenhouse.io/token',
    clientAuth: 'basic',
    tokenParams: [{
      field: 'sub',
      fromExtra: 'userId',
      description: 'the numeric id of the Greenhouse user the integration acts as (the number in the user\'s URL, app.greenhouse.io/account/users/<id>); its permissions limit what is read',
    }],
  },
  apiBaseUrl: 'https://harvest.greenhouse.io/v3',
  docsUrl: 'https://harvestdocs.greenhouse.io/docs/authentication',
  triggers: [candidateCreatedTrigger, applicationCreatedTrigger, applicationUpdatedTrigger, offerCreatedTrigger, jobCreatedTrigger],
});
