// Smartsheet (API 2.0) through OAuth 2.0 (authorization code): one sheet webhook per trigger subscription
// (see webhooks.ts), rows read to complete Smartsheet's skinny callbacks. Setup: docs/integrations/smartsheet.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { idText } from './api.js';
import { rowCreatedTrigger } from './triggers/row-created.js';
import { rowDeletedTrigger } from './triggers/row-deleted.js';
import { rowUpdatedTrigger } from './triggers/row-updated.js';

export const smartsheetIntegration = defineIntegration({
  key: 'smartsheet',
  name: 'Smartsheet',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://app.smartsheet.com/b/authorize',
    tokenUrl: 'https://api.smartsheet.com/2.0/token',
    // READ_SHEETS reads the rows a callback names; ADMIN_WEBHOOKS creates, enables, reads and deletes webhooks.
    scopes: ['READ_SHEETS', 'ADMIN_WEBHOOKS'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.smartsheet.com/2.0',
  docsUrl: 'https://developers.smartsheet.com/api/smartsheet/guides/webhooks',
  /** The connected Smartsheet user (`GET /users/me`). */
  async accountId({ http }) {
    const me = await http.get<{ id?: unknown; email?: unknown } | null>('/users/me');
    const id = idText(me?.id);
    if (!id) throw new ProviderError('permanent', 'Smartsheet answered GET /users/me without a user id');
    return { providerAccountId: id, extra: typeof me?.email === 'string' ? { email: me.email } : {} };
  },
  triggers: [rowCreatedTrigger, rowUpdatedTrigger, rowDeletedTrigger],
});
