// Microsoft Teams through Microsoft Graph change notifications: Microsoft identity platform OAuth 2.0
// (v2.0 endpoints, offline_access for a refresh token), Graph v1.0, one Graph subscription per trigger
// subscription (see graph-subscriptions.ts). See docs/integrations/microsoftTeams.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { channelCreated } from './triggers/channel-created.js';
import { channelMessagePosted } from './triggers/channel-message-posted.js';

export { clientStateScheme, validationTokenHandshake } from './graph-subscriptions.js';

export const microsoftTeamsIntegration = defineIntegration({
  key: 'microsoftTeams',
  name: 'Microsoft Teams',
  auth: {
    kind: 'oauth2',
    // `common`: work and school accounts of any tenant (Teams has no personal-account Graph access).
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    // Least-privileged delegated permissions for the two subscription resources; ChannelMessage.Read.All
    // needs an administrator's consent in the user's tenant.
    scopes: ['offline_access', 'User.Read', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All'],
    pkce: true,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://graph.microsoft.com/v1.0',
  docsUrl: 'https://learn.microsoft.com/graph/teams-change-notification-in-microsoft-teams-overview',
  /** The signed-in user's directory object id. */
  async accountId({ http }) {
    const me = await http.get<{ id?: unknown; userPrincipalName?: unknown; displayName?: unknown }>('/me');
    if (typeof me?.id !== 'string') throw new ProviderError('permanent', 'Microsoft Graph answered GET /me without an id');
    return { providerAccountId: me.id, extra: { userPrincipalName: me.userPrincipalName ?? null, displayName: me.displayName ?? null } };
  },
  triggers: [channelCreated, channelMessagePosted],
});
