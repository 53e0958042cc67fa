// Jira Cloud through OAuth 2.0 (3LO). API calls go to api.atlassian.com/ex/jira/{cloudId}/rest/api/3/…, where
// the cloud id is the site the user granted (saved with the credential at connect time).
//
// Design choice — polling, not dynamic webhooks: dynamic webhooks (`POST /rest/api/3/webhook`) expire after
// 30 days and must be refreshed, allow only one URL per app, accept only a JQL subset, are delivered for
// non-public apps only when the registering user owns the app, carry no signature secret we choose, and
// have no project events at all. JQL polling works for every app, honours any JQL filter, and with the
// overlap + keyset cursor in issues.ts loses nothing. See docs/integrations/jira.md.
import { defineIntegration } from '../../sdk/index.js';
import { atlassianOAuth2, atlassianSite } from '../../sdk/providers/atlassian.js';
import { issueCreated } from './triggers/issue-created.js';
import { issueUpdated } from './triggers/issue-updated.js';
import { projectCreated } from './triggers/project-created.js';

export const jiraIntegration = defineIntegration({
  key: 'jira',
  name: 'Jira',
  auth: atlassianOAuth2(
    // read:jira-work: JQL and project search; read:jira-user: /myself (the account's time zone, which
    // Jira uses to read JQL dates); offline_access: a (rotating) refresh token.
    ['read:jira-work', 'read:jira-user', 'offline_access'],
  ),
  apiBaseUrl: 'https://api.atlassian.com',
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/',
  accountId: ({ http }) => atlassianSite(http, 'jira', 'Jira'),
  triggers: [issueCreated, issueUpdated, projectCreated],
});
