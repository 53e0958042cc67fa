// Webflow (Data API v2) through an OAuth 2.0 Data Client app. Each trigger subscription creates one site webhook
// (see webhooks.ts), signed by Webflow with the app's client secret, which the project's integration
// `webhookSecret` must also hold. Setup: docs/integrations/webflow.md.
import { defineIntegration } from '../../sdk/index.js';
import { authorizedUser } from './api.js';
import { collectionItemChangedTrigger } from './triggers/collection-item-changed.js';
import { collectionItemCreatedTrigger } from './triggers/collection-item-created.js';
import { formSubmissionTrigger } from './triggers/form-submission.js';
import { sitePublishTrigger } from './triggers/site-publish.js';

export const webflowIntegration = defineIntegration({
  key: 'webflow',
  name: 'Webflow',
  auth: {
    kind: 'oauth2',
    // https://developers.webflow.com/data/reference/oauth-app: authorization code grant; the token request sends
    // client_id and client_secret in the body. Webflow issues no refresh token and its access tokens do not
    // expire (they end when the user revokes the app).
    authorizationUrl: 'https://webflow.com/oauth/authorize',
    tokenUrl: 'https://api.webflow.com/oauth/access_token',
    // authorized_user:read for the account id; sites:write to create/delete webhooks and sites:read to read them
    // (Create/Get Webhook pages); forms:read and cms:read for the form and CMS events (per-event scopes: see the doc).
    scopes: ['authorized_user:read', 'sites:read', 'sites:write', 'forms:read', 'cms:read'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.webflow.com/v2',
  docsUrl: 'https://developers.webflow.com/data/reference/oauth-app',
  async accountId({ http }) {
    const user = await authorizedUser(http);
    return { providerAccountId: user.id };
  },
  triggers: [formSubmissionTrigger, collectionItemCreatedTrigger, collectionItemChangedTrigger, sitePublishTrigger],
});
