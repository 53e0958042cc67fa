// Intercom through OAuth (public app) or an app access token. Two sources, each the most reliable Intercom
// offers for its object (docs/integrations/intercom.md explains the choice):
// - contacts: polling the contacts search API, which filters and sorts by created_at / updated_at
//   (contacts.ts);
// - companies: Intercom's app-level webhooks (`company.created`, `company.updated`): the companies API can
//   neither filter nor sort by creation or update time, leaves out companies without users, and allows one
//   scroll per app at a time (webhooks.ts).
// Every call pins the API version with `Intercom-Version`.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { companyCreated } from './triggers/company-created.js';
import { companyUpdated } from './triggers/company-updated.js';
import { contactCreated } from './triggers/contact-created.js';
import { contactUpdated } from './triggers/contact-updated.js';
import { intercomAppWebhook } from './webhooks.js';

export const INTERCOM_VERSION = '2.14';

export const intercomIntegration = defineIntegration({
  key: 'intercom',
  name: 'Intercom',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://app.intercom.com/oauth',
    // The code exchange answers {token_type, token, access_token}; Intercom issues no refresh token.
    tokenUrl: 'https://api.intercom.io/auth/eagle/token',
    // Permissions are chosen on the app in the Developer Hub, not per authorization.
    scopes: [],
    pkce: false,
    clientAuth: 'body',
  },
  // US workspaces; EU and AU workspaces: set the project's apiBaseUrl to https://api.eu.intercom.io / https://api.au.intercom.io.
  apiBaseUrl: 'https://api.intercom.io',
  defaultHeaders: { 'Intercom-Version': INTERCOM_VERSION },
  docsUrl: 'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication/setting-up-oauth',
  async accountId({ http }) {
    const me = await http.get<{ id?: string; email?: string; app?: { id_code?: string; name?: string; region?: string } }>('/me');
    const workspace = me?.app?.id_code;
    if (typeof workspace !== 'string' || workspace === '') throw new ProviderError('permanent', 'Intercom /me answered without app.id_code');
    return {
      providerAccountId: workspace,
      extra: { workspaceId: workspace, ...(me.app?.name ? { workspaceName: me.app.name } : {}), ...(me.app?.region ? { region: me.app.region } : {}), ...(me.id ? { adminId: me.id } : {}) },
    };
  },
  appWebhook: intercomAppWebhook,
  triggers: [contactCreated, contactUpdated, companyCreated, companyUpdated],
});
