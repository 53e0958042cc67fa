// GitHub: per-subscription repository webhooks created through the REST API (parameters `owner`, `repo`),
// each with its own secret, verified with X-Hub-Signature-256 and deduplicated by X-GitHub-Delivery.
// Setup and design choices: docs/integrations/github.md.
import { defineIntegration } from '../../sdk/index.js';
import { githubAccount } from './api.js';
import { issueClosed } from './triggers/issue-closed.js';
import { issueCommentCreated } from './triggers/issue-comment-created.js';
import { issueCreated } from './triggers/issue-created.js';
import { pullRequestMerged } from './triggers/pull-request-merged.js';
import { pullRequestOpened } from './triggers/pull-request-opened.js';
import { push } from './triggers/push.js';
import { releasePublished } from './triggers/release-published.js';
import { starCreated } from './triggers/star-created.js';

/** The REST API version every call pins (https://docs.github.com/en/rest/about-the-rest-api/api-versions). */
export const GITHUB_API_VERSION = '2022-11-28';

export const githubIntegration = defineIntegration({
  key: 'github',
  name: 'GitHub',
  docsUrl: 'https://docs.github.com/en/rest/repos/webhooks',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    // admin:repo_hook creates and deletes repository webhooks; repo lets the token see private
    // repositories at all (projects that only need public ones can configure public_repo instead).
    scopes: ['repo', 'admin:repo_hook'],
    scopeSeparator: ' ',
    // GitHub accepts PKCE (S256) for OAuth and GitHub Apps since 2025-07; it stays optional there.
    pkce: true,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.github.com',
  defaultHeaders: {
    accept: 'application/vnd.github+json',
    'x-github-api-version': GITHUB_API_VERSION,
  },
  accountId: ({ http }) => githubAccount(http),
  triggers: [
    issueCreated,
    issueClosed,
    pullRequestOpened,
    pullRequestMerged,
    push,
    releasePublished,
    issueCommentCreated,
    starCreated,
  ],
});
