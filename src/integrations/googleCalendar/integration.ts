// Google Calendar: Google OAuth 2.0 (offline access for a refresh token), the Calendar API v3 on
// www.googleapis.com. One polling trigger (sync tokens) and three push-channel triggers (events.watch).
// See docs/integrations/googleCalendar.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { googleOAuth2, googleRequest } from '../../sdk/providers/google.js';
import { eventCreated } from './triggers/event-created.js';
import { webhookEventCancelled } from './triggers/webhook-event-cancelled.js';
import { webhookEventCreated } from './triggers/webhook-event-created.js';
import { webhookEventUpdated } from './triggers/webhook-event-updated.js';

export { channelTokenScheme } from './triggers/push-channel.js';

export const googleCalendarIntegration = defineIntegration({
  key: 'googleCalendar',
  name: 'Google Calendar',
  // Reading events and watching them; a project can ask for more (e.g. .../auth/calendar) in its config.
  auth: googleOAuth2(['https://www.googleapis.com/auth/calendar.readonly']),
  apiBaseUrl: 'https://www.googleapis.com',
  docsUrl: 'https://developers.google.com/workspace/calendar/api/v3/reference',
  /** The account is its primary calendar, whose id is the user's email address. */
  async accountId({ http }) {
    const res = await googleRequest<{ id?: unknown }>(http, { path: '/calendar/v3/calendars/primary' });
    if (typeof res.body?.id !== 'string') throw new ProviderError('permanent', 'Google Calendar answered calendars.get(primary) without an id');
    return { providerAccountId: res.body.id };
  },
  triggers: [eventCreated, webhookEventUpdated, webhookEventCreated, webhookEventCancelled],
});
