// ServiceNow through OAuth 2.0 on the customer's own instance. Every instance is its own authorization server
// (https://{instance}.service-now.com/oauth_auth.do and /oauth_token.do): a project configures its own instance's
// URLs (authorizationUrl, tokenUrl, apiBaseUrl); a credential may name its instance in `extra.instanceUrl`, which
// then wins for API calls. The record triggers poll the Table API by sys_updated_on (api.ts for the cursor).
//
// Why polling: ServiceNow has no webhook subscription API. Outbound notifications need an admin to create a
// Business Rule (or a Flow) with a REST message on the instance, which a connected user's token cannot do.
// See docs/integrations/servicenow.md.
import { defineIntegration } from '../../sdk/index.js';
import { recordCreated } from './triggers/record-created.js';
import { recordUpdated } from './triggers/record-updated.js';

export const serviceNowIntegration = defineIntegration({
  key: 'servicenow',
  name: 'ServiceNow',
  auth: {
    kind: 'oauth2',
    // Placeholders for the instance: each project sets its own instance's endpoints in its configuration.
    authorizationUrl: 'https://instance.service-now.com/oauth_auth.do',
    tokenUrl: 'https://instance.service-now.com/oauth_token.do',
    // No scope requested: the token acts with the connected user's own roles (scopes, where used, are set on the
    // instance's Application Registry entry).
    scopes: [],
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://instance.service-now.com',
  docsUrl: 'https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html',
  triggers: [recordCreated, recordUpdated],
});
