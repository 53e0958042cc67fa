// Gorgias helpdesk (REST API) on each account's own host, https://{domain}.gorgias.com/api (the `domain` account
// parameter). Setup: docs/integrations/gorgias.md.
//
// Auth (https://developers.gorgias.com/docs/authentication): public apps must use OAuth 2 — authorize at
// https://{domain}.gorgias.com/oauth/authorize, token and refresh at https://{domain}.gorgias.com/oauth/token; scopes
// `offline` (a refresh token) and `write:all` (today the only data scope; creating HTTP integrations needs write).
// Private apps use an API key as HTTP Basic with the key owner's email as user name
// (https://developers.gorgias.com/docs/access-tokens-api-keys): the alternative credential holds the key as shown and
// the email in `extra.email`, and the engine builds the Basic header (`basicUser`).
//
// Events: each trigger subscription creates one Gorgias HTTP integration that POSTs to our URL with our secret as a
// header (webhooks.ts).
import { defineIntegration } from '../../sdk/index.js';
import { fetchObject } from './api.js';
import { ticketCreatedTrigger } from './triggers/ticket-created.js';
import { ticketMessageCreatedTrigger } from './triggers/ticket-message-created.js';
import { ticketUpdatedTrigger } from './triggers/ticket-updated.js';

export { GORGIAS_SECRET_HEADER, GORGIAS_SECRET_SCHEME } from './webhooks.js';

export const gorgiasIntegration = defineIntegration({
  key: 'gorgias',
  name: 'Gorgias',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://{domain}.gorgias.com/oauth/authorize',
    tokenUrl: 'https://{domain}.gorgias.com/oauth/token',
    scopes: ['openid', 'email', 'profile', 'offline', 'write:all'],
    pkce: false,
    clientAuth: 'basic',
  },
  // Keys are HTTP Basic with the user's email as user name and the key as password.
  alternativeAuth: { kind: 'apiKey', header: 'authorization', basicUser: '{email}' },
  accountParameters: [{ name: 'domain', description: 'the Gorgias subdomain, e.g. acme for acme.gorgias.com', acceptSuffix: '.gorgias.com' }],
  apiBaseUrl: 'https://{domain}.gorgias.com/api',
  // Our calls read 401 themselves (allowStatus, to keep Gorgias's message): an OAuth token is then refreshed once.
  tokenRefused: (res) => res.status === 401,
  docsUrl: 'https://developers.gorgias.com/reference/integrations',
  async accountId({ http }) {
    const account = await fetchObject(http, '/account', 'account', Date.now());
    const domain = account?.domain;
    if (typeof domain !== 'string' || domain === '') throw new Error('Gorgias answered GET /account without its domain');
    return { providerAccountId: domain.toLowerCase() };
  },
  triggers: [ticketCreatedTrigger, ticketUpdatedTrigger, ticketMessageCreatedTrigger],
});
