// Typeform through OAuth 2.0. Response triggers create one Typeform webhook per trigger subscription on the
// chosen form (see webhooks.ts); the new-form trigger polls the forms list. Setup: docs/integrations/typeform.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentAccount } from './api.js';
import { newFormTrigger } from './triggers/new-form.js';
import { newPartialResponseTrigger } from './triggers/new-partial-response.js';
import { newResponseTrigger } from './triggers/new-response.js';

export const typeformIntegration = defineIntegration({
  key: 'typeform',
  name: 'Typeform',
  auth: {
    kind: 'oauth2',
    // https://www.typeform.com/developers/get-started/applications/ — EU Data Center accounts on the separate
    // api.typeform.eu host have their own authorization server: override authorizationUrl/tokenUrl there.
    authorizationUrl: 'https://api.typeform.com/oauth/authorize',
    tokenUrl: 'https://api.typeform.com/oauth/token',
    // https://www.typeform.com/developers/get-started/scopes/ — `offline` for a refresh token; `forms:read` to
    // list forms; `webhooks:*` to manage the form webhooks; `responses:read` for the response data they carry.
    scopes: ['offline', 'accounts:read', 'forms:read', 'webhooks:read', 'webhooks:write', 'responses:read'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.typeform.com',
  docsUrl: 'https://www.typeform.com/developers/get-started/applications/',
  accountId: ({ http }) => currentAccount(http),
  triggers: [newResponseTrigger, newPartialResponseTrigger, newFormTrigger],
});
