// Microsoft Teams through Microsoft Graph change notifications: Microsoft identity platform OAuth 2.0
// (v2.0 endpoints, offline_access for a refresh token), Graph v1.0, one Graph subscription per trigger
// subscription (src/sdk/providers/microsoft-graph.ts). See docs/integrations/microsoftTeams.md.
import { defineIntegration } from '../../sdk/index.js';
import { graphAccountId, microsoftIdentityOAuth2 } from '../../sdk/providers/microsoft-graph.js';
import { channelCreated } from './triggers/channel-created.js';
import { channelMessagePosted } from './triggers/channel-message-posted.js';

export { clientStateScheme, validationTokenHandshake } from '../../sdk/providers/microsoft-graph.js';

export const microsoftTeamsIntegration = defineIntegration({
  key: 'microsoftTeams',
  name: 'Microsoft Teams',
  // Tenant `common`: work and school accounts of any tenant (Teams has no personal-account Graph access).
  // Least-privileged delegated permissions for the two subscription resources; ChannelMessage.Read.All
  // needs an administrator's consent in the user's tenant.
  auth: microsoftIdentityOAuth2(['offline_access', 'User.Read', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All']),
  apiBaseUrl: 'https://graph.microsoft.com/v1.0',
  docsUrl: 'https://learn.microsoft.com/graph/teams-change-notification-in-microsoft-teams-overview',
  /** The signed-in user's directory object id. */
  accountId: graphAccountId(['userPrincipalName', 'displayName']),
  triggers: [channelCreated, channelMessagePosted],
});
