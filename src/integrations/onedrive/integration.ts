// Microsoft OneDrive (personal and OneDrive for Business) through Microsoft Graph change notifications on the
// signed-in user's drive root, read with the delta query. Microsoft identity platform OAuth 2.0 (v2.0 endpoints,
// offline_access for a refresh token). See docs/integrations/onedrive.md.
import { defineIntegration } from '../../sdk/index.js';
import { graphAccountId, microsoftIdentityOAuth2 } from '../../sdk/providers/microsoft-graph.js';
import { fileChange, fileCreated, fileUpdated } from './triggers/file-triggers.js';

export { clientStateScheme, validationTokenHandshake } from '../../sdk/providers/microsoft-graph.js';

export const oneDriveIntegration = defineIntegration({
  key: 'onedrive',
  name: 'OneDrive',
  // Files.Read: the least privileged delegated permission for the delta query, work/school and personal
  // accounts (https://learn.microsoft.com/graph/api/driveitem-delta#permissions); a subscription needs the same.
  auth: microsoftIdentityOAuth2(['offline_access', 'User.Read', 'Files.Read']),
  apiBaseUrl: 'https://graph.microsoft.com/v1.0',
  docsUrl: 'https://learn.microsoft.com/onedrive/developer/rest-api/concepts/using-webhooks',
  accountId: graphAccountId(['userPrincipalName', 'mail', 'displayName']),
  triggers: [fileChange, fileCreated, fileUpdated],
});
