// Bitbucket Cloud: per-subscription repository webhooks created through the REST API 2.0 (parameters
// `workspace`, `repoSlug`), each with its own secret, verified with X-Hub-Signature (HMAC-SHA256 of the raw
// body). Setup and design: docs/integrations/bitbucket.md.
import { defineIntegration } from '../../sdk/index.js';
import { bitbucketAccount } from './api.js';
import { issueCreated } from './triggers/issue-created.js';
import { pullRequestCommentCreated } from './triggers/pull-request-comment-created.js';
import { pullRequestCreated } from './triggers/pull-request-created.js';
import { pullRequestMerged } from './triggers/pull-request-merged.js';
import { push } from './triggers/push.js';

export const bitbucketIntegration = defineIntegration({
  key: 'bitbucket',
  name: 'Bitbucket',
  docsUrl: 'https://developer.atlassian.com/cloud/bitbucket/rest/api-group-webhooks/',
  auth: {
    kind: 'oauth2',
    // https://developer.atlassian.com/cloud/bitbucket/oauth-2 — authorization code grant; the client
    // authenticates at the token endpoint with HTTP Basic (client_id:secret), as Bitbucket's examples do.
    authorizationUrl: 'https://bitbucket.org/site/oauth2/authorize',
    tokenUrl: 'https://bitbucket.org/site/oauth2/access_token',
    // webhook: create, read and delete webhooks; account: GET /user. The read scopes for the events' objects
    // (repository, pullrequest, issue) are asked for too. Bitbucket grants what the OAuth consumer's
    // permissions allow (docs/integrations/bitbucket.md).
    scopes: ['account', 'webhook', 'repository', 'pullrequest', 'issue'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://api.bitbucket.org/2.0',
  accountId: ({ http }) => bitbucketAccount(http),
  triggers: [push, pullRequestCreated, pullRequestMerged, pullRequestCommentCreated, issueCreated],
});
