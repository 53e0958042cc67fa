// Asana: OAuth 2.0 (authorization code + PKCE S256, space-separated granular scopes, 1 h access tokens with
// a long-lived refresh token), REST API at https://app.asana.com/api/1.0 with `{"data": …}` envelopes, one
// project webhook per subscription. See docs/integrations/asana.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { taskCompleted } from './triggers/task-completed.js';
import { taskCreated } from './triggers/task-created.js';
import { taskUpdated } from './triggers/task-updated.js';

export { asanaHandshakes, asanaSignatureScheme } from './scheme.js';

export const asanaIntegration = defineIntegration({
  key: 'asana',
  name: 'Asana',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://app.asana.com/-/oauth_authorize',
    tokenUrl: 'https://app.asana.com/-/oauth_token',
    // webhooks:write creates, webhooks:delete removes (both named on their reference pages); tasks:read
    // completes compact events; users:read answers GET /users/me for the account id.
    scopes: ['webhooks:write', 'webhooks:delete', 'tasks:read', 'users:read'],
    scopeSeparator: ' ',
    pkce: true,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://app.asana.com/api/1.0',
  docsUrl: 'https://developers.asana.com/docs/webhooks-guide',
  /** The connected Asana user (`GET /users/me`); webhooks and task access are the user's. */
  async accountId({ http }) {
    const me = await http.get<{ data?: { gid?: unknown; name?: unknown; email?: unknown } | null }>('/users/me');
    const gid = me?.data?.gid;
    if (typeof gid !== 'string') throw new ProviderError('permanent', 'Asana answered GET /users/me without a user gid');
    return { providerAccountId: gid, extra: { name: me.data?.name, email: me.data?.email } };
  },
  triggers: [taskCreated, taskUpdated, taskCompleted],
});
