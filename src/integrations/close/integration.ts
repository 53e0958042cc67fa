// Close CRM: one Close webhook subscription per trigger subscription (webhooks.ts), verified with the
// signature_key Close returns at creation. Auth, two kinds (ADR 0029), each able to run every trigger:
// - an API key sent as HTTP Basic user name with an empty password
//   (https://developer.close.com/api/overview/authentication-with-api-keys);
// - a Close OAuth app (https://developer.close.com/api/overview/oauth-authentication): authorize at
//   https://app.close.com/oauth2/authorize/, tokens at https://api.close.com/oauth2/token/ (form-encoded, client id
//   and secret in the body), refresh tokens; calls send `Authorization: Bearer <token>`. Close grants every OAuth
//   app `all.full_access offline_access` — "the same level of access as API keys"
//   (https://developer.close.com/integrations/create-an-oauth-app) — so webhook subscriptions work the same way.
// Setup: docs/integrations/close.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { CLOSE_ERROR_STATUSES, closeError } from './api.js';
import { contactCreatedTrigger } from './triggers/contact-created.js';
import { leadCreatedTrigger } from './triggers/lead-created.js';
import { leadUpdatedTrigger } from './triggers/lead-updated.js';
import { opportunityCreatedTrigger } from './triggers/opportunity-created.js';
import { opportunityStatusChangedTrigger } from './triggers/opportunity-status-changed.js';

export { closeSignatureScheme } from './webhooks.js';

export const closeIntegration = defineIntegration({
  key: 'close',
  name: 'Close',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: '' },
  alternativeAuth: {
    kind: 'oauth2',
    authorizationUrl: 'https://app.close.com/oauth2/authorize/',
    tokenUrl: 'https://api.close.com/oauth2/token/',
    scopes: ['all.full_access', 'offline_access'],
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.close.com/api/v1',
  docsUrl: 'https://developer.close.com/api/resources/webhooks',
  /**
   * Our calls take 401 back (allowStatus) to keep the provider's own error text, and the engine retries with a new
   * token only for statuses it sees as failures: this says a 401 is a refused token, so an OAuth token is
   * refreshed and the call made once more (a key is never refreshed: its 401 is mapped to an auth error at once).
   */
  tokenRefused: (res) => res.status === 401,
  /**
   * The connect flow's lookup, the same for both kinds: `GET /me/`, the user the token belongs to, and their
   * organization — the one the user picked on Close's consent screen when the token answer names it
   * (`organization_id`), else the first of `/me/`'s organizations.
   */
  async accountId({ http, token }) {
    const res = await http.request<{ id?: unknown; organizations?: Array<{ id?: unknown }> }>({ path: '/me/', allowStatus: CLOSE_ERROR_STATUSES });
    if (res.status >= 400) throw closeError(res);
    const id = res.body?.id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Close answered GET /me/ without a user id');
    const chosen = token.extra?.organization_id;
    const org = typeof chosen === 'string' && chosen !== '' ? chosen : res.body?.organizations?.[0]?.id;
    return { providerAccountId: id, ...(typeof org === 'string' ? { extra: { organizationId: org } } : {}) };
  },
  triggers: [leadCreatedTrigger, leadUpdatedTrigger, contactCreatedTrigger, opportunityCreatedTrigger, opportunityStatusChangedTrigger],
});
