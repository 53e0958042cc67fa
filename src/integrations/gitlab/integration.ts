// GitLab (gitlab.com, or a self-managed instance through the project's apiBaseUrl, authorizationUrl and
// tokenUrl): per-subscription project webhooks created through the REST API v4 (parameter `projectId`),
// each with its own secret token, checked against X-Gitlab-Token. Setup and design: docs/integrations/gitlab.md.
import { defineIntegration } from '../../sdk/index.js';
import { gitlabAccount } from './api.js';
import { issueClosed } from './triggers/issue-closed.js';
import { issueCreated } from './triggers/issue-created.js';
import { mergeRequestMerged } from './triggers/merge-request-merged.js';
import { mergeRequestOpened } from './triggers/merge-request-opened.js';
import { pipelineFailed } from './triggers/pipeline-failed.js';
import { push } from './triggers/push.js';

export const gitlabIntegration = defineIntegration({
  key: 'gitlab',
  name: 'GitLab',
  docsUrl: 'https://docs.gitlab.com/api/project_webhooks/',
  auth: {
    kind: 'oauth2',
    // https://docs.gitlab.com/api/oauth2/ — authorization code with PKCE (S256). Access tokens expire
    // after two hours; each refresh returns a new refresh token, which the engine stores.
    authorizationUrl: 'https://gitlab.com/oauth/authorize',
    tokenUrl: 'https://gitlab.com/oauth/token',
    // Managing project webhooks takes the `api` scope (read_api cannot write); it also covers GET /user.
    scopes: ['api'],
    scopeSeparator: ' ',
    pkce: true,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://gitlab.com/api/v4',
  accountId: ({ http }) => gitlabAccount(http),
  triggers: [issueCreated, issueClosed, mergeRequestOpened, mergeRequestMerged, push, pipelineFailed],
});
