// Salesforce through OAuth 2.0 (web server flow with PKCE). The token response's `instance_url` (the org's API
// host) is saved as credential extra at connect time and every query goes there; the triggers poll SOQL (see
// records.ts for the cursor design, soql.ts for how filters stay injection-free, docs/integrations/salesforce.md
// for setup). Sandboxes: point the project's authorizationUrl/tokenUrl at test.salesforce.com.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { instanceUrl } from './records.js';
import { recordCreated } from './triggers/record-created.js';
import { recordUpdated } from './triggers/record-updated.js';

/** `https://login.salesforce.com/id/{orgId}/{userId}` → the two ids. */
function idsFromIdentityUrl(id: unknown): { organizationId: string; userId: string } | null {
  if (typeof id !== 'string') return null;
  const m = /\/id\/(00D[A-Za-z0-9]{12,15})\/(005[A-Za-z0-9]{12,15})\/?$/.exec(id);
  return m ? { organizationId: m[1]!, userId: m[2]! } : null;
}

export const salesforceIntegration = defineIntegration({
  key: 'salesforce',
  name: 'Salesforce',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
    tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
    // `refresh_token` (= offline_access) is what makes Salesforce return a refresh token.
    scopes: ['api', 'refresh_token'],
    scopeSeparator: ' ',
    pkce: true,
    clientAuth: 'body',
  },
  // Queries never use this: they go to the credential's instance_url. It is the login host, for completeness.
  apiBaseUrl: 'https://login.salesforce.com',
  docsUrl: 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm',
  async accountId({ http, token }) {
    const extra = token.extra ?? {};
    const base = instanceUrl(extra);
    let ids = idsFromIdentityUrl(extra.id);
    if (!ids) {
      // No identity URL in the token response: ask the org who this is.
      const info = await http.get<{ organization_id?: string; user_id?: string }>(`${base}/services/oauth2/userinfo`);
      if (typeof info?.organization_id !== 'string' || typeof info.user_id !== 'string') {
        throw new ProviderError('permanent', 'Salesforce userinfo answered without organization_id and user_id');
      }
      ids = { organizationId: info.organization_id, userId: info.user_id };
    }
    return {
      providerAccountId: `${ids.organizationId}:${ids.userId}`,
      extra: { instance_url: base, organizationId: ids.organizationId, userId: ids.userId },
    };
  },
  triggers: [recordCreated, recordUpdated],
});
