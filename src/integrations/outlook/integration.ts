// Outlook mail and calendar through Microsoft Graph change notifications: Microsoft identity platform
// OAuth 2.0 (v2.0 endpoints, offline_access for a refresh token), Graph v1.0, one Graph subscription per
// trigger subscription (src/sdk/providers/microsoft-graph.ts). See docs/integrations/outlook.md.
import { defineIntegration } from '../../sdk/index.js';
import { graphAccountId, microsoftIdentityOAuth2 } from '../../sdk/providers/microsoft-graph.js';
import { newEventWebhook } from './triggers/new-event-webhook.js';
import { newMessageWebhook } from './triggers/new-message-webhook.js';

export { clientStateScheme, validationTokenHandshake } from '../../sdk/providers/microsoft-graph.js';

export const outlookIntegration = defineIntegration({
  key: 'outlook',
  name: 'Outlook',
  // Tenant `common`: work/school and personal Microsoft accounts.
  // Mail.Read (not Mail.ReadBasic): the delivered message includes its body. Calendars.Read for events.
  auth: microsoftIdentityOAuth2(['offline_access', 'User.Read', 'Mail.Read', 'Calendars.Read']),
  apiBaseUrl: 'https://graph.microsoft.com/v1.0',
  docsUrl: 'https://learn.microsoft.com/graph/outlook-change-notifications-overview',
  /** The signed-in user's id (directory object id, or the personal account's id). */
  accountId: graphAccountId(['userPrincipalName', 'mail', 'displayName']),
  triggers: [newMessageWebhook, newEventWebhook],
});
