// Microsoft SharePoint (lists and document libraries) through Microsoft Graph change notifications on a list
// or a library's drive root, read with the delta queries. Microsoft identity platform OAuth 2.0 (v2.0 endpoints,
// offline_access for a refresh token). See docs/integrations/sharepoint.md.
import { defineIntegration } from '../../sdk/index.js';
import { graphAccountId, microsoftIdentityOAuth2 } from '../../sdk/providers/microsoft-graph.js';
import { fileCreated } from './triggers/file-created.js';
import { itemCreated, itemUpdated } from './triggers/list-items.js';

export { clientStateScheme, validationTokenHandshake } from '../../sdk/providers/microsoft-graph.js';

export const sharePointIntegration = defineIntegration({
  key: 'sharepoint',
  name: 'SharePoint',
  // Sites.ReadWrite.All: the least privileged delegated permission Graph documents for a subscription on a list
  // (https://learn.microsoft.com/graph/api/subscription-post-subscriptions#permissions); it covers the list item
  // and drive delta queries (Sites.Read.All is enough for those). Work or school accounts only.
  auth: microsoftIdentityOAuth2(['offline_access', 'User.Read', 'Sites.ReadWrite.All']),
  apiBaseUrl: 'https://graph.microsoft.com/v1.0',
  docsUrl: 'https://learn.microsoft.com/graph/api/resources/subscription',
  accountId: graphAccountId(['userPrincipalName', 'mail', 'displayName']),
  triggers: [itemCreated, itemUpdated, fileCreated],
});
