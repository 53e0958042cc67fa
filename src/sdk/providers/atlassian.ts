// Atlassian Cloud (Jira, Confluence): OAuth 2.0 (3LO) at auth.atlassian.com and the site ("cloud id") a token
// was granted for, which every API path names (api.atlassian.com/ex/<product>/{cloudId}/…).
// https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
import { ProviderError, type HttpClient, type OAuth2Auth } from '../types.js';

/** Atlassian's 3LO authorization: JSON token requests, the API audience, consent asked on every connect. */
export function atlassianOAuth2(scopes: string[]): OAuth2Auth {
  return {
    kind: 'oauth2',
    authorizationUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    scopes,
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    // Atlassian documents JSON token requests (developer.atlassian.com, OAuth 2.0 (3LO) apps).
    tokenRequestEncoding: 'json',
    extraAuthorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  };
}

interface AccessibleResource {
  id: string;
  name?: string;
  url?: string;
  scopes?: string[];
}

/**
 * The site a new token covers, for `accountId`. A token can cover several sites and the response does not say
 * which one was just granted: we take the first whose scopes name `product` (else the first) and keep the
 * list, so a credential created through the API can name another one with `extra.cloudId`.
 */
export async function atlassianSite(http: HttpClient, product: 'jira' | 'confluence', productName: string): Promise<{ providerAccountId: string; extra: Record<string, unknown> }> {
  const sites = await http.get<AccessibleResource[]>('/oauth/token/accessible-resources');
  const all = (Array.isArray(sites) ? sites : []).filter((s) => typeof s.id === 'string');
  const site = all.find((s) => (s.scopes ?? []).some((x) => x.includes(product))) ?? all[0];
  if (!site) throw new ProviderError('permanent', `the Atlassian account granted no ${productName} site to this app`);
  return {
    providerAccountId: site.id,
    extra: { cloudId: site.id, siteUrl: site.url, siteName: site.name, sites: all.map((s) => ({ id: s.id, url: s.url, name: s.name })) },
  };
}
