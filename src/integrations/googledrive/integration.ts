// Google Drive: Google OAuth 2.0 (offline access for a refresh token), the Drive API v3 on
// www.googleapis.com. Two polling triggers on the changes feed. See docs/integrations/googledrive.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { googleOAuth2, googleRequest } from '../../sdk/providers/google.js';
import { fileCreated } from './triggers/file-created.js';
import { fileUpdated } from './triggers/file-updated.js';

export const googleDriveIntegration = defineIntegration({
  key: 'googledrive',
  name: 'Google Drive',
  // File metadata and the changes feed; a project can ask for more (e.g. .../auth/drive) in its config.
  auth: googleOAuth2(['https://www.googleapis.com/auth/drive.metadata.readonly']),
  apiBaseUrl: 'https://www.googleapis.com',
  docsUrl: 'https://developers.google.com/workspace/drive/api/reference/rest/v3',
  /** The account is the Drive user's email address (about.get). */
  async accountId({ http }) {
    const res = await googleRequest<{ user?: { emailAddress?: unknown; permissionId?: unknown } }>(http, { path: '/drive/v3/about', query: { fields: 'user(emailAddress,permissionId)' } });
    const user = res.body?.user;
    const id = typeof user?.emailAddress === 'string' ? user.emailAddress : typeof user?.permissionId === 'string' ? user.permissionId : null;
    if (id === null) throw new ProviderError('permanent', 'Google Drive answered about.get without a user');
    return { providerAccountId: id };
  },
  triggers: [fileCreated, fileUpdated],
});
