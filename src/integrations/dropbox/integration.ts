// Dropbox through OAuth 2 (scoped app, offline access with PKCE). The file triggers follow a list_folder cursor
// per subscription (changes.ts). Dropbox's app webhook is declared so its URL answers Dropbox's challenge and
// verifies notifications; the notifications themselves only say "poll this account now" (webhook.ts, and the
// engine hook requested in docs/integrations/dropbox.md). Team (business) apps are not supported.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { rpc } from './api.js';
import { fileCreated } from './triggers/file-created.js';
import { fileDeleted } from './triggers/file-deleted.js';
import { dropboxAppWebhook } from './webhook.js';

export const dropboxIntegration = defineIntegration({
  key: 'dropbox',
  name: 'Dropbox',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
    tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    // A subset of the scopes enabled on the app in the App Console; list_folder and list_revisions need this one.
    scopes: ['files.metadata.read'],
    scopeSeparator: ' ',
    pkce: true,
    clientAuth: 'body',
    // `offline`: a short-lived access token plus a refresh token.
    extraAuthorizationParams: { token_access_type: 'offline' },
  },
  apiBaseUrl: 'https://api.dropboxapi.com',
  docsUrl: 'https://developers.dropbox.com/oauth-guide',
  async accountId({ http, token }) {
    const fromToken = token.extra?.account_id;
    if (typeof fromToken === 'string' && fromToken.startsWith('dbid:')) return { providerAccountId: fromToken, extra: { account_id: fromToken } };
    if (typeof token.extra?.team_id === 'string') throw new ProviderError('permanent', 'Dropbox team (business) apps are not supported; use a user app');
    const me = await rpc<{ account_id?: string; email?: string }>(http, 'users/get_current_account', null);
    if (typeof me?.account_id !== 'string') throw new ProviderError('permanent', 'Dropbox get_current_account answered without account_id');
    return { providerAccountId: me.account_id, extra: { account_id: me.account_id, ...(me.email ? { email: me.email } : {}) } };
  },
  appWebhook: dropboxAppWebhook,
  triggers: [fileCreated, fileDeleted],
});
