// Confluence Cloud through Atlassian OAuth 2.0 (3LO). API calls go to
// api.atlassian.com/ex/confluence/{cloudId}/wiki/rest/api/…, where the cloud id is the site the user granted.
//
// Design choice — polling: Confluence Cloud webhooks exist only for Connect apps (a `webhooks` module in the app
// descriptor) and Forge apps (product event triggers in the manifest); an OAuth 2.0 (3LO) app has no REST API to
// register a webhook. So the triggers poll the CQL content search. See docs/integrations/confluence.md.
import { defineIntegration } from '../../sdk/index.js';
import { atlassianOAuth2, atlassianSite } from '../../sdk/providers/atlassian.js';
import { pageCreated } from './triggers/page-created.js';
import { pageUpdated } from './triggers/page-updated.js';

export const confluenceIntegration = defineIntegration({
  key: 'confluence',
  name: 'Confluence',
  auth: atlassianOAuth2(
    // search:confluence: the CQL search; read:confluence-content.all: the content it returns (with expansions);
    // offline_access: a (rotating) refresh token.
    ['search:confluence', 'read:confluence-content.all', 'read:confluence-space.summary', 'offline_access'],
  ),
  apiBaseUrl: 'https://api.atlassian.com',
  docsUrl: 'https://developer.atlassian.com/cloud/confluence/oauth-2-3lo-apps/',
  accountId: ({ http }) => atlassianSite(http, 'confluence', 'Confluence'),
  triggers: [pageCreated, pageUpdated],
});
