// HubSpot CRM through OAuth (public app). Record triggers poll the CRM search API; see search.ts for the cursor
// design and docs/integrations/hubspot.md for setup. (HubSpot's webhooks are configured per app, not per
// subscription, and only for a fixed set of subscription types: polling serves any object, custom ones included.)
import { defineIntegration } from '../../sdk/index.js';
import { recordCreated } from './triggers/record-created.js';
import { recordUpdated } from './triggers/record-updated.js';

export const hubspotIntegration = defineIntegration({
  key: 'hubspot',
  name: 'HubSpot',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
    // v3: credentials in the form body (v1 is deprecated on 2027-02-16).
    tokenUrl: 'https://api.hubapi.com/oauth/v3/token',
    scopes: ['oauth', 'crm.objects.contacts.read', 'crm.objects.companies.read', 'crm.objects.deals.read'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    // Requested when the account has them; an install does not fail on an account without tickets or custom objects.
    extraAuthorizationParams: { optional_scope: 'tickets crm.objects.custom.read' },
  },
  apiBaseUrl: 'https://api.hubapi.com',
  docsUrl: 'https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide',
  async accountId({ http, token }) {
    const meta = await http.get<{ hub_id?: number; hub_domain?: string; user_id?: number }>(`/oauth/v1/access-tokens/${encodeURIComponent(token.accessToken)}`);
    return { providerAccountId: String(meta.hub_id), extra: { hubId: meta.hub_id, hubDomain: meta.hub_domain, userId: meta.user_id } };
  },
  triggers: [recordCreated, recordUpdated],
});
