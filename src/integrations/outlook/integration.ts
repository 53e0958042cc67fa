// Outlook mail and calendar through Microsoft Graph change notifications: Microsoft identity platform
// OAuth 2.0 (v2.0 endpoints, offline_access for a refresh token), Graph v1.0, one Graph subscription per
// trigger subscription (see graph-subscriptions.ts). See docs/integrations/outlook.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { newEventWebhook } from './triggers/new-event-webhook.js';
import { newMessageWebhook } from './triggers/new-message-webhook.js';

export { clientStateScheme, validationTokenHandshake } from './graph-subscriptions.js';

export const outlookIntegration = defineIntegration({
  key: 'outlook',
  name: 'Outlook',
  auth: {
    kind: 'oauth2',
    // `common`: work/school and personal Microsoft accounts.
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    // Mail.Read (not Mail.ReadBasic): the delivered message includes its body. Calendars.Read for events.
    scopes: ['offline_access', 'User.Read', 'Mail.Read', 'Calendars.Read'],
    pkce: true,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://graph.microsoft.com/v1.0',
  docsUrl: 'https://learn.microsoft.com/graph/outlook-change-notifications-overview',
  /** The signed-in user's id (directory object id, or the personal account's id). */
  async accountId({ http }) {
    const me = await http.get<{ id?: unknown; userPrincipalName?: unknown; mail?: unknown; displayName?: unknown }>('/me');
    if (typeof me?.id !== 'string') throw new ProviderError('permanent', 'Microsoft Graph answered GET /me without an id');
    return { providerAccountId: me.id, extra: { userPrincipalName: me.userPrincipalName ?? null, mail: me.mail ?? null, displayName: me.displayName ?? null } };
  },
  triggers: [newMessageWebhook, newEventWebhook],
});
