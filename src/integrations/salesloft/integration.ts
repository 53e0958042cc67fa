// Salesloft (sales engagement), API v2 through OAuth 2 (authorization code). Each trigger subscription creates one
// Salesloft webhook subscription for one event type, signed with a callback token we choose (webhooks.ts).
// Setup: docs/integrations/salesloft.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentUser } from './api.js';
import { cadenceMembershipCreatedTrigger } from './triggers/cadence-membership-created.js';
import { callCreatedTrigger } from './triggers/call-created.js';
import { meetingBookedTrigger } from './triggers/meeting-booked.js';
import { personCreatedTrigger } from './triggers/person-created.js';
import { personUpdatedTrigger } from './triggers/person-updated.js';

export { SALESLOFT_SIGNATURE } from './webhooks.js';

export const salesloftIntegration = defineIntegration({
  key: 'salesloft',
  name: 'Salesloft',
  auth: {
    kind: 'oauth2',
    // https://developers.salesloft.com/docs/platform/api-basics/oauth-authentication/: authorize at
    // accounts.salesloft.com/oauth/authorize, exchange the code (and refresh) with a JSON POST to
    // accounts.salesloft.com/oauth/token carrying client_id and client_secret. Scopes are chosen on the OAuth app.
    authorizationUrl: 'https://accounts.salesloft.com/oauth/authorize',
    tokenUrl: 'https://accounts.salesloft.com/oauth/token',
    scopes: [],
    pkce: false,
    clientAuth: 'body',
    tokenRequestEncoding: 'json',
  },
  apiBaseUrl: 'https://api.salesloft.com/v2',
  docsUrl: 'https://developers.salesloft.com/docs/platform/webhooks/introduction/',
  async accountId({ http }) {
    const me = await currentUser(http);
    return { providerAccountId: me.id, extra: { userId: me.id, ...(me.guid ? { userGuid: me.guid } : {}), ...(me.teamId ? { teamId: me.teamId } : {}) } };
  },
  triggers: [personCreatedTrigger, personUpdatedTrigger, cadenceMembershipCreatedTrigger, callCreatedTrigger, meetingBookedTrigger],
});
