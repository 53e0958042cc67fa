// Box (Platform API 2.0) through OAuth 2.0. Each trigger subscription creates one Box V2 webhook on the watched
// folder (see webhooks.ts), signed with the Box app's signature keys: the project's integration webhookSecret
// holds one of them. Setup: docs/integrations/box.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentUser } from './api.js';
import { commentCreatedTrigger } from './triggers/comment-created.js';
import { fileDeletedTrigger } from './triggers/file-deleted.js';
import { fileTrashedTrigger } from './triggers/file-trashed.js';
import { fileUploadedTrigger } from './triggers/file-uploaded.js';
import { folderCreatedTrigger } from './triggers/folder-created.js';

export const boxIntegration = defineIntegration({
  key: 'box',
  name: 'Box',
  auth: {
    kind: 'oauth2',
    // https://developer.box.com/guides/authentication/oauth2/without-sdk/
    authorizationUrl: 'https://account.box.com/api/oauth2/authorize',
    tokenUrl: 'https://api.box.com/oauth2/token',
    // Read the watched folders and create webhooks on them (https://developer.box.com/guides/api-calls/permissions-and-errors/scopes/).
    // The app must have both enabled in the Developer Console; set the project's `scopes` to [] to send none
    // (Box then grants the app's configured scopes).
    scopes: ['root_readonly', 'manage_webhook'],
    scopeSeparator: ' ',
    // Box documents no PKCE for its authorization code flow; the client authenticates with client_id and
    // client_secret in the form body. Access tokens last 60 minutes; refresh tokens are single-use and rotate
    // (valid 60 days): the engine stores the new one from every refresh.
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.box.com/2.0',
  docsUrl: 'https://developer.box.com/guides/authentication/oauth2/',
  async accountId({ http }) {
    const me = await currentUser(http);
    return { providerAccountId: me.id };
  },
  triggers: [fileUploadedTrigger, fileTrashedTrigger, fileDeletedTrigger, folderCreatedTrigger, commentCreatedTrigger],
});
