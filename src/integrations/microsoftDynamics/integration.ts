// Microsoft Dynamics 365 Sales (Dataverse) through Microsoft Entra ID OAuth 2.0 (v2.0 endpoints). Dataverse tokens
// are issued for one organization: the scope names it (https://{org}.crm.dynamics.com/user_impersonation). The
// connect call names the organization and its region (`parameters: {organization, region}`, ADR 0027), which fill
// the default scope — so one multi-tenant Entra app serves every organization — unless the project set `scopes` to
// one organization's. The organization URL is read back from the granted scope at connect time and saved as
// credential extra `orgUrl` (or given as `extra.orgUrl` with POST /credentials). Every
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
  // The organization's Dataverse scope, filled from the connect's parameters (refreshes ask for it again: the v2.0
  // endpoint requires the scope on a refresh).
  auth: microsoftIdentityOAuth2(['https://{organization}.{region}.dynamics.com/user_impersonation', 'offline_access']),
  accountParameters: [
    { name: 'organization', description: 'the Dynamics 365 organization name, e.g. contoso for https://contoso.crm.dynamics.com' },
    { name: 'region', description: 'the organization URL\'s region label: crm (North America), crm4 (EMEA), crm11 (UK), …, e.g. crm4 for https://contoso.crm4.dynamics.com' },
  ],
  // Queries never use this: they go to the credential's orgUrl.
  apiBaseUrl: 'https://login.microsoftonline.com',
  docsUrl: 'https://learn.microsoft.com/power-apps/developer/data-platform/authenticate-oauth',
  defaultHeaders: { 'odata-maxversion': '4.0', 'odata-version': '4.0' },
  async accountId({ http, token }) {
    const extra = token.extra ?? {};
    const org = extra.orgUrl !== undefined ? orgUrl(extra) : orgFromScope(extra.scope);
    if (!org) {
      throw new ProviderError('permanent', 'the granted scopes name no Dataverse organization; connect with parameters organization and region, or set the project\'s scopes to https://<org>.crm.dynamics.com/user_impersonation offline_access');
    }
    const me = await whoAmI(http, org);
    return {
      providerAccountId: `${me.OrganizationId}:${me.UserId}`,
      extra: { orgUrl: org, organizationId: me.OrganizationId, userId: me.UserId },
    };
  },
  triggers: [recordCreated, recordUpdated],
});
