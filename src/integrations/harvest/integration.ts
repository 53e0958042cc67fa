// Harvest (time tracking, API v2 at https://api.harvestapp.com/v2). Setup: docs/integrations/harvest.md.
//
// Auth: OAuth 2 through Harvest ID (`https://id.getharvest.com/oauth2/authorize`, token at
// `https://id.getharvest.com/api/v2/oauth2/token`), or a personal access token stored as a direct credential
// (both are sent as `Authorization: Bearer`). Every API call must also name the account with `Harvest-Account-Id`
// (one token may reach several Harvest and Forecast accounts), so the account id is an account parameter
// (`accountId`): given at connect (it fills the OAuth scope `harvest:{accountId}`, which limits the grant to that
// one account) or in a direct credential's `extra`, and sent by each request (`credentialHeaders`). Harvest ID's own
// `GET https://id.getharvest.com/api/v2/accounts` also lists a token's accounts, but it is a second host beside
// apiBaseUrl and one identity may hold several accounts: the user names the account instead.
//
// Harvest asks every client to identify itself with a User-Agent naming the application and a contact: sent on
// every call through defaultHeaders.
//
// Harvest has no webhooks: every trigger polls a list by `updated_since` (poll.ts).
import { defineIntegration } from '../../sdk/index.js';
import { accountIdOf } from './api.js';
import { invoiceCreatedTrigger } from './triggers/invoice-created.js';
import { projectCreatedTrigger } from './triggers/project-created.js';
import { timeEntryCreatedTrigger } from './triggers/time-entry-created.js';
import { timeEntryUpdatedTrigger } from './triggers/time-entry-updated.js';

export const HARVEST_USER_AGENT = 'OpenTriggers (self-hosted Triggers API; https://github.com/opentriggers/opentriggers)';

export const harvestIntegration = defineIntegration({
  key: 'harvest',
  name: 'Harvest',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://id.getharvest.com/oauth2/authorize',
    tokenUrl: 'https://id.getharvest.com/api/v2/oauth2/token',
    scopes: ['harvest:{accountId}'],
    pkce: false,
    clientAuth: 'body',
  },
  accountParameters: [{ name: 'accountId', description: 'the Harvest account id, a number (Harvest ID → Developers lists it beside your tokens), e.g. 123456' }],
  apiBaseUrl: 'https://api.harvestapp.com/v2',
  defaultHeaders: { 'user-agent': HARVEST_USER_AGENT },
  credentialHeaders: (credential) => ({ 'harvest-account-id': accountIdOf(credential) }),
  docsUrl: 'https://help.getharvest.com/api-v2/',
  triggers: [timeEntryCreatedTrigger, timeEntryUpdatedTrigger, projectCreatedTrigger, invoiceCreatedTrigger],
});
