// Linear: OAuth 2.0 (authorization code + PKCE, comma-separated scopes, refresh tokens), GraphQL API at
// https://api.linear.app/graphql, one data-change webhook per subscription created with `webhookCreate`.
// Creating webhooks needs a workspace admin or the `admin` scope. See docs/integrations/linear.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { linearGraphql } from './graphql.js';
import { commentCreated } from './triggers/comment-created.js';
import { issueCreated } from './triggers/issue-created.js';
import { issueRemoved } from './triggers/issue-removed.js';
import { issueUpdated } from './triggers/issue-updated.js';

export { linearSignatureScheme } from './scheme.js';

const WHO_AM_I = 'query OpenTriggersAccount { viewer { id name email } organization { id name urlKey } }';

export const linearIntegration = defineIntegration({
  key: 'linear',
  name: 'Linear',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://linear.app/oauth/authorize',
    tokenUrl: 'https://api.linear.app/oauth/token',
    scopes: ['read', 'admin'],
    scopeSeparator: ',',
    pkce: true,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.linear.app',
  docsUrl: 'https://linear.app/developers/webhooks',
  /** The workspace (organization) is the provider account: every webhook body carries its `organizationId`. */
  async accountId({ http }) {
    const data = await linearGraphql<{ viewer?: { id?: unknown } | null; organization?: { id?: unknown; name?: unknown; urlKey?: unknown } | null }>(
      { http, now: Date.now }, WHO_AM_I,
    );
    const org = data.organization;
    if (typeof org?.id !== 'string') throw new ProviderError('permanent', 'Linear answered without an organization id');
    return {
      providerAccountId: org.id,
      extra: { organizationName: org.name, urlKey: org.urlKey, viewerId: data.viewer?.id },
    };
  },
  triggers: [issueCreated, issueUpdated, commentCreated, issueRemoved],
});
