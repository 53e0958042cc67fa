// Calendly (API v2) through OAuth 2.0 with PKCE. Triggers create one Calendly webhook subscription per trigger
// subscription (see webhooks.ts); the user and organization URIs they need come from `GET /users/me` at connect
// time and are kept as credential extra. Setup: docs/integrations/calendly.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentUser } from './api.js';
import { inviteeCanceledTrigger } from './triggers/invitee-canceled.js';
import { inviteeCreatedTrigger } from './triggers/invitee-created.js';

export const calendlyIntegration = defineIntegration({
  key: 'calendly',
  name: 'Calendly',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://auth.calendly.com/oauth/authorize',
    tokenUrl: 'https://auth.calendly.com/oauth/token',
    // Apps created since March 2026 get only the scopes they request; webhook payloads need the read scope of
    // their event family. Legacy apps without scopes: set the project's `scopes` to [] (no scope is sent).
    scopes: ['users:read', 'webhooks:write', 'scheduled_events:read'],
    scopeSeparator: ' ',
    pkce: true,
    // Web apps authenticate at the token endpoint with HTTP Basic. Refresh tokens are single-use and rotate:
    // the engine stores the new one from every refresh.
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://api.calendly.com',
  docsUrl: 'https://developer.calendly.com/docs/authentication/how-to-access-calendly-data-on-behalf-of-authenticated-users',
  async accountId({ http }) {
    const me = await currentUser(http);
    return { providerAccountId: me.uri, extra: { userUri: me.uri, organizationUri: me.current_organization } };
  },
  triggers: [inviteeCreatedTrigger, inviteeCanceledTrigger],
});
