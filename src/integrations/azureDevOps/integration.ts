// Azure DevOps Services: per-subscription service hook subscriptions (webHooks consumer) created through
// the REST API (api-version 7.1) in the organization saved as credential extra `organization`, each with
// its own secret in a header we set, checked as a shared secret. Accounts connect through Microsoft Entra ID OAuth or
// with a personal access token (alternativeAuth). Setup and design:
// docs/integrations/azureDevOps.md.
import { defineIntegration } from '../../sdk/index.js';
import { microsoftIdentityOAuth2 } from '../../sdk/providers/microsoft-graph.js';
import { codePushed } from './triggers/code-pushed.js';
import { workItemCreated } from './triggers/work-item-created.js';
import { workItemUpdated } from './triggers/work-item-updated.js';

export const azureDevOpsIntegration = defineIntegration({
  key: 'azureDevOps',
  name: 'Azure DevOps',
  docsUrl: 'https://learn.microsoft.com/en-us/rest/api/azure/devops/hooks/subscriptions',
  // Microsoft Entra ID OAuth: 499b84ac-1321-427f-aa17-267ca6975798 is the Azure DevOps resource;
  // `.default` takes the delegated permissions granted to the app (user_impersonation).
  auth: microsoftIdentityOAuth2(['499b84ac-1321-427f-aa17-267ca6975798/.default', 'offline_access']),
  // Personal access tokens (scope "Work Items: Read", "Code: Read" and the service hooks' edit permission in the
  // project): `Authorization: Basic base64(":{PAT}")`, an empty user name and the PAT as password.
  alternativeAuth: { kind: 'apiKey', header: 'authorization', basicUser: '' },
  apiBaseUrl: 'https://dev.azure.com',
  triggers: [workItemCreated, workItemUpdated, codePushed],
});
