// Jira Cloud through OAuth 2.0 (3LO). API calls go to api.atlassian.com/ex/jira/{cloudId}/rest/api/3/…, where
// the cloud id is the site the user granted (saved with the credential at connect time).
//
// Design choice — polling, not dynamic webhooks: dynamic webhooks (`POST /rest/api/3/webhook`) expire after
// 30 days and must be refreshed, allow only one URL per app, accept only a JQL subset, are delivered for
// non-public apps only when the registering user owns the app, carry no signature secret we choose, and
// have no project events at all. JQL polling works for every app, honours any JQL filter, and with the
// overlap + keyset cursor in issues.ts loses nothing. See docs/integrations/jira.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { issueCreated } from './triggers/issue-created.js';
import { issueUpdated } from './triggers/issue-updated.js';
import { projectCreated } from './triggers/project-created.js';

interface AccessibleResource {
  id: string;
  name?: string;
  url?: string;
  scopes?: string[];
}

export const jiraIntegration = defineIntegration({
  key: 'jira',
  name: 'Jira',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    // read:jira-work: JQL and project search; read:jira-user: /myself (the account's time zone, which
    // Jira uses to read JQL dates); offline_access: a (rotating) refresh token.
    scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    // Atlassian documents JSON token requests (developer.atlassian.com, OAuth 2.0 (3LO) apps).
    tokenRequestEncoding: 'json',
    extraAuthorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  },
  apiBaseUrl: 'https://api.atlassian.com',
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/',
  async accountId({ http }) {
    // A token can cover several sites; the response does not say which one was just granted. We take the
    // first Jira site and keep the list, so a credential created through the API can name another one
    // with `extra.cloudId`.
    const sites = await http.get<AccessibleResource[]>('/oauth/token/accessible-resources');
    const jira = (Array.isArray(sites) ? sites : []).filter((s) => typeof s.id === 'string');
    const site = jira.find((s) => (s.scopes ?? []).some((x) => x.includes('jira'))) ?? jira[0];
    if (!site) throw new ProviderError('permanent', 'the Atlassian account granted no Jira site to this app');
    return {
      providerAccountId: site.id,
      extra: { cloudId: site.id, siteUrl: site.url, siteName: site.name, sites: jira.map((s) => ({ id: s.id, url: s.url, name: s.name })) },
    };
  },
  triggers: [issueCreated, issueUpdated, projectCreated],
});
