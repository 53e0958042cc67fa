// Klaviyo with a private API key or through a Klaviyo OAuth app. All triggers poll the REST API (poll.ts), so every
// trigger works with both kinds of account; setup and design: docs/integrations/klaviyo.md.
//
// Auth, two kinds (ADR 0029):
// - a private key: `Authorization: Klaviyo-API-Key pk_…` (https://developers.klaviyo.com/en/docs/authenticate_); the
//   key needs the read scopes of the triggers used (profiles:read, lists:read, events:read);
// - an OAuth app (https://developers.klaviyo.com/en/docs/set_up_oauth): authorization code with PKCE (required) at
//   https://www.klaviyo.com/oauth/authorize, tokens at https://a.klaviyo.com/oauth/token (never www: Klaviyo blocks
//   token traffic there since 2025-03-31) with the client id and secret as HTTP Basic, refresh tokens; calls send
//   `Authorization: Bearer <token>`, everything else (host, revision header, bodies) unchanged.
//
// Design choice — polling, not webhooks: Klaviyo's Webhooks API (`/api/webhooks`, signed with Klaviyo-Signature)
// is open only to Advanced KDP customers and Klaviyo app partners, and its topics cover email/SMS/push/review/
// consent events, not profile creation or list membership. Polling works for every account and every metric.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { HANDLED, REVISION, klaviyoError, type KlaviyoPage } from './api.js';
import { metricEventTrigger } from './triggers/metric-event.js';
import { profileAddedToListTrigger } from './triggers/profile-added-to-list.js';
import { profileCreatedTrigger } from './triggers/profile-created.js';

export const klaviyoIntegration = defineIntegration({
  key: 'klaviyo',
  name: 'Klaviyo',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Klaviyo-API-Key ' },
  alternativeAuth: {
    kind: 'oauth2',
    authorizationUrl: 'https://www.klaviyo.com/oauth/authorize',
    tokenUrl: 'https://a.klaviyo.com/oauth/token',
    // What the triggers read, plus accounts:read for the account lookup below.
    scopes: ['accounts:read', 'profiles:read', 'lists:read', 'events:read'],
    pkce: true,
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://a.klaviyo.com',
  docsUrl: 'https://developers.klaviyo.com/en/reference',
  defaultHeaders: { revision: REVISION, accept: 'application/vnd.api+json' },
  /**
   * Our calls take 401 back (allowStatus) to keep the provider's own error text, and the engine retries with a new
   * token only for statuses it sees as failures: this says a 401 is a refused token, so an OAuth token is
   * refreshed and the call made once more (a key is never refreshed: its 401 is mapped to an auth error at once).
   */
  tokenRefused: (res) => res.status === 401,
  /**
   * Connect flow only (OAuth): `GET /api/accounts` answers the one account the token is for; its id (the account's
   * public key / site id) names the provider account, so connecting the same Klaviyo account again updates the
   * credential instead of adding one. Keys given to POST /credentials are not looked up (no accounts:read needed).
   */
  async accountId({ http }) {
    const res = await http.request<KlaviyoPage>({ path: '/api/accounts', allowStatus: HANDLED });
    if (res.status >= 400) throw klaviyoError(res);
    const account = Array.isArray(res.body?.data) ? res.body.data[0] : undefined;
    if (!account || typeof account.id !== 'string' || account.id === '') throw new ProviderError('permanent', 'Klaviyo answered GET /api/accounts without an account');
    const org = (account.attributes?.contact_information as { organization_name?: unknown } | undefined)?.organization_name;
    return { providerAccountId: account.id, ...(typeof org === 'string' && org !== '' ? { extra: { organizationName: org } } : {}) };
  },
  triggers: [profileCreatedTrigger, profileAddedToListTrigger, metricEventTrigger],
});
