// Mailchimp (Marketing API 3.0) through OAuth 2.0 (authorization code; tokens never expire, no refresh token,
// no scopes). After the token exchange, `GET https://login.mailchimp.com/oauth2/metadata` names the account's
// data-center API host (`api_endpoint`), saved as credential extra; every API call goes there (api.ts).
// Triggers create one audience webhook per trigger subscription, protected by a secret in the URL's query
// (webhooks.ts). Setup: docs/integrations/mailchimp.md.
import { defineIntegration } from '../../sdk/index.js';
import { apiEndpoint, metadata } from './api.js';
import { emailCleanedTrigger } from './triggers/email-cleaned.js';
import { listTrigger } from './triggers/list.js';
import { profileUpdatedTrigger } from './triggers/profile-updated.js';
import { subscriberAddedTrigger } from './triggers/subscriber-added.js';
import { subscriberUnsubscribedTrigger } from './triggers/subscriber-unsubscribed.js';

export const mailchimpIntegration = defineIntegration({
  key: 'mailchimp',
  name: 'Mailchimp',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://login.mailchimp.com/oauth2/authorize',
    tokenUrl: 'https://login.mailchimp.com/oauth2/token',
    // Mailchimp has no OAuth scopes: a token reaches everything the authorizing user can
    // (https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/).
    scopes: [],
    pkce: false,
    // client_id and client_secret in the token request body, as in Mailchimp's OAuth guide.
    clientAuth: 'body',
  },
  // Only the metadata call uses it (api.ts); API calls go to the credential's api_endpoint.
  apiBaseUrl: 'https://login.mailchimp.com',
  docsUrl: 'https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/',
  async accountId({ http, token }) {
    const meta = await metadata(http, token.accessToken);
    const endpoint = apiEndpoint({ api_endpoint: meta.api_endpoint });
    return {
      // The Mailchimp account (user_id in the metadata is the account's id; one login may reach several accounts,
      // a token is for one).
      providerAccountId: String(meta.user_id),
      extra: { api_endpoint: endpoint, ...(meta.dc ? { dc: meta.dc } : {}), ...(meta.accountname ? { accountName: meta.accountname } : {}) },
    };
  },
  triggers: [listTrigger, subscriberAddedTrigger, subscriberUnsubscribedTrigger, profileUpdatedTrigger, emailCleanedTrigger],
});
