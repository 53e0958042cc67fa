// Microsoft Dynamics 365 Sales (Dataverse) through Microsoft Entra ID OAuth 2.0 (v2.0 endpoints). Dataverse tokens
// are issued for one organization: the scope names it (https://{org}.crm.dynamics.com/user_impersonation), so a
// project sets its `scopes` to its organization's, and the organization URL is read back from the granted scope at
// connect time and saved as credential extra `orgUrl` (or given as `extra.orgUrl` with POST /credentials). Every
// query goes there; the triggers poll the Web API (records.ts for the cursor, docs/integrations/microsoftDynamics.md
// for setup and why polling rather than Dataverse webhooks or change tracking).
import { defineIntegration, ProviderError } from '../../sdk/index.js';
import { microsoftIdentityOAuth2 } from '../../sdk/providers/microsoft-graph.js';
import { orgFromScope, orgUrl, whoAmI } from './records.js';
import { recordCreated } from './triggers/record-created.js';
import { recordUpdated } from './triggers/record-updated.js';

export const microsoftDynamicsIntegration = defineIntegration({
  key: 'microsoftDynamics',
  name: 'Dynamics 365 Sales',
  // The organization's scope must be configured per project (scopes: https://{org}.crm.dynamics.com/user_impersonation
  // and offline_access); this default only asks for a refresh token and makes connect fail with a clear message.
  auth: microsoftIdentityOAuth2(['offline_access']),
  // Queries never use this: they go to the credential's orgUrl.
  apiBaseUrl: 'https://login.microsoftonline.com',
  docsUrl: 'https://learn.microsoft.com/power-apps/developer/data-platform/authenticate-oauth',
  defaultHeaders: { 'odata-maxversion': '4.0', 'odata-version': '4.0' },
  async accountId({ http, token }) {
    const extra = token.extra ?? {};
    const org = extra.orgUrl !== undefined ? orgUrl(extra) : orgFromScope(extra.scope);
    if (!org) {
      throw new ProviderError('permanent', 'the granted scopes name no Dataverse organization; set the project\'s scopes to https://<org>.crm.dynamics.com/user_impersonation offline_access');
    }
    const me = await whoAmI(http, org);
    return {
      providerAccountId: `${me.OrganizationId}:${me.UserId}`,
      extra: { orgUrl: org, organizationId: me.OrganizationId, userId: me.UserId },
    };
  },
  triggers: [recordCreated, recordUpdated],
});
