// Confluence Cloud through Atlassian OAuth 2.0 (3LO). API calls go to
// api.atlassian.com/ex/confluence/{cloudId}/wiki/rest/api/…, where the cloud id is the site the user granted.
//
// Design choice — polling: Confluence Cloud webhooks exist only for Connect apps (a `webhooks` module in the app
// descriptor) and Forge apps (product event triggers in the manifest); an OAuth 2.0 (3LO) app has no REST API to
// register a webhook. So the triggers poll the CQL content search. See docs/integrations/confluence.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { pageCreated } from './triggers/page-created.js';
import { pageUpdated } from './triggers/page-updated.js';

interface AccessibleResource {
  id: string;
  name?: string;
  url?: string;
  scopes?: string[];
}

export const confluenceIntegration = defineIntegration({
  key: 'confluence',
  name: 'Confluence',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    // search:confluence: the CQL search; read:confluence-content.all: the content it returns (with expansions);
    // offline_access: a (rotating) refresh token.
    scopes: ['search:confluence', 'read:confluence-content.all', 'read:confluence-space.summary', 'offline_access'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    tokenRequestEncoding: 'json',
    extraAuthorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  },
  apiBaseUrl: 'https://api.atlassian.com',
  docsUrl: 'https://developer.atlassian.com/cloud/confluence/oauth-2-3lo-apps/',
  async accountId({ http }) {
    const sites = await http.get<AccessibleResource[]>('/oauth/token/accessible-resources');
    const all = (Array.isArray(sites) ? sites : []).filter((s) => typeof s.id === 'string');
    const site = all.find((s) => (s.scopes ?? []).some((x) => x.includes('confluence'))) ?? all[0];
    if (!site) throw new ProviderError('permanent', 'the Atlassian account granted no Confluence site to this app');
    return {
      providerAccountId: site.id,
      extra: { cloudId: site.id, siteUrl: site.url, siteName: site.name, sites: all.map((s) => ({ id: s.id, url: s.url, name: s.name })) },
    };
  },
  triggers: [pageCreated, pageUpdated],
});
