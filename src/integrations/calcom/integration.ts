// Cal.com (API v2) through an API key (Settings → Developer → API keys, `cal_live_…`), sent as
// `Authorization: Bearer <key>`. Each trigger subscription creates one Cal.com webhook, for all the user's bookings
// or one event type (see webhooks.ts). Self-hosted Cal.com: set the project's apiBaseUrl to the instance's API v2
// (where the instance serves its API v2). Setup: docs/integrations/calcom.md.
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
  apiBaseUrl: 'https://api.cal.com/v2',
  docsUrl: 'https://cal.com/docs/api-reference/v2/webhooks/create-a-webhook',
  async accountId({ http }) {
    const me = await currentUser(http);
    return { providerAccountId: me.id, ...(me.username ? { extra: { username: me.username } } : {}) };
  },
  triggers: [bookingCreatedTrigger, bookingCancelledTrigger, bookingRescheduledTrigger, meetingEndedTrigger],
});
