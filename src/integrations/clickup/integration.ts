// ClickUp (API v2) through OAuth 2.0 (authorization code). Tokens do not expire and carry no scopes: the user
// chooses which Workspaces ("teams" in API v2) to authorize for the app. Each trigger subscription creates one
// ClickUp webhook for one task event (see webhooks.ts). Setup: docs/integrations/clickup.md.
import { defineIntegration } from '../../sdk/index.js';
import { authorizedTeams, authorizedUser } from './api.js';
import { taskCommentPostedTrigger } from './triggers/task-comment-posted.js';
import { taskCreatedTrigger } from './triggers/task-created.js';
import { taskDeletedTrigger } from './triggers/task-deleted.js';
import { taskStatusUpdatedTrigger } from './triggers/task-status-updated.js';
import { taskUpdatedTrigger } from './triggers/task-updated.js';

export const clickupIntegration = defineIntegration({
  key: 'clickup',
  name: 'ClickUp',
  auth: {
    kind: 'oauth2',
    // https://developer.clickup.com/docs/authentication: authorization URL https://app.clickup.com/api (with
    // client_id, redirect_uri and an optional state), access token URL POST /api/v2/oauth/token with
    // client_id, client_secret and code. No scopes, no PKCE, no refresh token: the access token does not expire.
    authorizationUrl: 'https://app.clickup.com/api',
    tokenUrl: 'https://api.clickup.com/api/v2/oauth/token',
    scopes: [],
    pkce: false,
    clientAuth: 'body',
    // ClickUp's reference lists client_id, client_secret and code as query parameters; we send them (with the
    // standard grant_type and redirect_uri) as a JSON body, as widely used ClickUp clients do. Not confirmed
    // by a ClickUp page that the body form is accepted (see docs/integrations/clickup.md).
    tokenRequestEncoding: 'json',
  },
  apiBaseUrl: 'https://api.clickup.com/api/v2',
  docsUrl: 'https://developer.clickup.com/docs/authentication',
  async accountId({ http }) {
    const now = Date.now();
    const user = await authorizedUser(http, now);
    const teams = await authorizedTeams(http, now);
    return { providerAccountId: String(user.id), extra: { userId: String(user.id), teamIds: teams.map((t) => t.id) } };
  },
  triggers: [taskCreatedTrigger, taskUpdatedTrigger, taskStatusUpdatedTrigger, taskCommentPostedTrigger, taskDeletedTrigger],
});
