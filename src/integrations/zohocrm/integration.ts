// Zoho CRM through OAuth 2.0 (Zoho Accounts, server-based client). The token response's `api_domain` (the
// account's data-centre API host, e.g. https://www.zohoapis.eu) is saved as credential extra at connect time
// and every call goes there; the record triggers poll the Get Records API by Modified_Time (records.ts for the
// cursor, docs/integrations/zohocrm.md for setup and why polling rather than the Notifications API).
import { defineIntegration } from '../../sdk/index.js';
import { apiDomain, organization } from './records.js';
import { recordCreated } from './triggers/record-created.js';
import { recordUpdated } from './triggers/record-updated.js';

export const zohoCrmIntegration = defineIntegration({
  key: 'zohocrm',
  name: 'Zoho CRM',
  auth: {
    kind: 'oauth2',
    // US accounts server; Zoho redirects users of other data centres to theirs. Projects whose users are in one
    // other data centre set authorizationUrl/tokenUrl to it (https://accounts.zoho.eu/oauth/v2/token, …).
    authorizationUrl: 'https://accounts.zoho.com/oauth/v2/auth',
    tokenUrl: 'https://accounts.zoho.com/oauth/v2/token',
    scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'],
    scopeSeparator: ',',
    pkce: false,
    clientAuth: 'body',
    // Zoho answers a revoked or expired refresh token with `{"error": "invalid_code"}`.
    refusedRefreshErrors: ['invalid_code'],
    // A refresh token is only issued with access_type=offline; prompt=consent issues one on a reconnect too.
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent' },
  },
  apiBaseUrl: 'https://www.zohoapis.com',
  docsUrl: 'https://www.zoho.com/crm/developer/docs/api/v2/oauth-overview.html',
  async accountId({ http, token }) {
    const base = apiDomain(token.extra ?? {});
    const org = await organization(http, base);
    return { providerAccountId: org.id, extra: { ...(base ? { api_domain: base } : {}), orgId: org.id, ...(org.zgid ? { zgid: org.zgid } : {}) } };
  },
  triggers: [recordCreated, recordUpdated],
});
