// Pipedrive through OAuth 2.0 (authorization code, HTTP Basic client auth at the token endpoint). The token
// response's `api_domain` (the company's own API host, e.g. https://acme.pipedrive.com) is saved as credential
// extra at connect time and every call goes there (api.ts). Triggers create one Pipedrive webhook (v2) per
// trigger subscription, authenticated with HTTP Basic credentials we choose (webhooks.ts). Setup:
// docs/integrations/pipedrive.md.
import { defineIntegration } from '../../sdk/index.js';
import { apiDomain, currentUser } from './api.js';
import { activityCreatedTrigger } from './triggers/activity-created.js';
import { dealCreatedTrigger } from './triggers/deal-created.js';
import { dealUpdatedTrigger } from './triggers/deal-updated.js';
import { leadCreatedTrigger } from './triggers/lead-created.js';
import { organizationCreatedTrigger } from './triggers/organization-created.js';
import { personCreatedTrigger } from './triggers/person-created.js';

export const pipedriveIntegration = defineIntegration({
  key: 'pipedrive',
  name: 'Pipedrive',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://oauth.pipedrive.com/oauth/authorize',
    tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
    // Pipedrive takes no scope parameter: an app's scopes are ticked in Developer Hub (base, plus webhooks:full
    // to create/list/delete webhooks and the read scopes of the objects watched — see the doc), and the user
    // accepts or denies them all (https://pipedrive.readme.io/docs/marketplace-scopes-and-permissions-explanations).
    scopes: [],
    pkce: false,
    // "Authorization: Basic base64(client_id:client_secret)" on /oauth/token
    // (https://pipedrive.readme.io/docs/marketplace-oauth-authorization).
    clientAuth: 'basic',
  },
  // Never used for calls: they go to the credential's api_domain. The public API host, for completeness.
  apiBaseUrl: 'https://api.pipedrive.com',
  docsUrl: 'https://pipedrive.readme.io/docs/marketplace-oauth-authorization',
  async accountId({ http, token }) {
    const domain = apiDomain(token.extra ?? {});
    const me = await currentUser(http, domain);
    // One Pipedrive login may belong to several companies; a token is for one company, so the account is both.
    return { providerAccountId: `${me.company_id}:${me.id}`, extra: { api_domain: domain, companyId: me.company_id, userId: me.id } };
  },
  triggers: [dealCreatedTrigger, dealUpdatedTrigger, personCreatedTrigger, organizationCreatedTrigger, activityCreatedTrigger, leadCreatedTrigger],
});
