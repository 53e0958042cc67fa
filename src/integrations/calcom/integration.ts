// Cal.com (API v2) through an API key (Settings → Developer → API keys, `cal_live_…`) or an OAuth client's access
// token (authorization code grant: https://app.cal.com/auth/oauth2/authorize, token and refresh at
// https://api.cal.com/v2/auth/oauth2/token; tokens last 30 minutes), both sent as `Authorization: Bearer`. Scopes:
// PROFILE_READ (`GET /v2/me`), EVENT_TYPE_READ and EVENT_TYPE_WRITE (Cal.com's scope guide puts webhooks under the
// event-type scopes), BOOKING_READ (the triggers deliver bookings). Each trigger subscription creates one Cal.com
// webhook, for all the user's bookings or one event type (see webhooks.ts). Self-hosted Cal.com: set the project's
// apiBaseUrl (and, for OAuth, authorizationUrl and tokenUrl) to the instance's. Setup: docs/integrations/calcom.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentUser } from './api.js';
import { bookingCancelledTrigger } from './triggers/booking-cancelled.js';
import { bookingCreatedTrigger } from './triggers/booking-created.js';
import { bookingRescheduledTrigger } from './triggers/booking-rescheduled.js';
import { meetingEndedTrigger } from './triggers/meeting-ended.js';

export { CALCOM_SIGNATURE } from './webhooks.js';

export const calcomIntegration = defineIntegration({
  key: 'calcom',
  name: 'Cal.com',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  alternativeAuth: {
    kind: 'oauth2',
    authorizationUrl: 'https://app.cal.com/auth/oauth2/authorize',
    tokenUrl: 'https://api.cal.com/v2/auth/oauth2/token',
    scopes: ['PROFILE_READ', 'EVENT_TYPE_READ', 'EVENT_TYPE_WRITE', 'BOOKING_READ'],
    pkce: false,
  },
  apiBaseUrl: 'https://api.cal.com/v2',
  // Our calls read 401 themselves (allowStatus, to keep the provider's message), so the engine is told that a 401 is a
  // refused token: an OAuth token is then refreshed and the call made once more; a key is never refreshed.
  tokenRefused: (res) => res.status === 401,
  docsUrl: 'https://cal.com/docs/api-reference/v2/webhooks/create-a-webhook',
  async accountId({ http }) {
    const me = await currentUser(http);
    return { providerAccountId: me.id, ...(me.username ? { extra: { username: me.username } } : {}) };
  },
  triggers: [bookingCreatedTrigger, bookingCancelledTrigger, bookingRescheduledTrigger, meetingEndedTrigger],
});
