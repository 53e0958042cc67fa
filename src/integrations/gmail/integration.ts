// Gmail: Google OAuth 2.0 (offline access for a refresh token), the Gmail API v1 on
// gmail.googleapis.com (the host Google's reference documents). One polling trigger driven by the
// mailbox history. See docs/integrations/gmail.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentHistoryId } from './gmail.js';
import { newEmail } from './triggers/new-email.js';

export const gmailIntegration = defineIntegration({
  key: 'gmail',
  name: 'Gmail',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    // readonly: messages.get format=full and search queries (gmail.metadata allows neither).
    scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
    pkce: true,
    clientAuth: 'body',
    // `access_type=offline` returns a refresh token; `prompt=consent` returns one again on a reconnect.
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  },
  apiBaseUrl: 'https://gmail.googleapis.com',
  docsUrl: 'https://developers.google.com/workspace/gmail/api/reference/rest',
  /** The account is the mailbox's email address (users.getProfile). */
  async accountId({ http }) {
    const profile = await currentHistoryId(http);
    return profile.emailAddress ? { providerAccountId: profile.emailAddress } : { providerAccountId: 'me' };
  },
  triggers: [newEmail],
});
