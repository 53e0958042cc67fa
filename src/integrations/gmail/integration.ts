// Gmail: Google OAuth 2.0 (offline access for a refresh token), the Gmail API v1 on
// gmail.googleapis.com (the host Google's reference documents). One polling trigger driven by the
// mailbox history. See docs/integrations/gmail.md.
import { defineIntegration } from '../../sdk/index.js';
import { googleOAuth2 } from '../../sdk/providers/google.js';
import { currentHistoryId } from './gmail.js';
import { newEmail } from './triggers/new-email.js';

export const gmailIntegration = defineIntegration({
  key: 'gmail',
  name: 'Gmail',
  // readonly: messages.get format=full and search queries (gmail.metadata allows neither).
  auth: googleOAuth2(['https://www.googleapis.com/auth/gmail.readonly']),
  apiBaseUrl: 'https://gmail.googleapis.com',
  docsUrl: 'https://developers.google.com/workspace/gmail/api/reference/rest',
  /** The account is the mailbox's email address (users.getProfile). */
  async accountId({ http }) {
    const profile = await currentHistoryId(http);
    return profile.emailAddress ? { providerAccountId: profile.emailAddress } : { providerAccountId: 'me' };
  },
  triggers: [newEmail],
});
