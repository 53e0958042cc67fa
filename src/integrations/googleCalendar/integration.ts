// Google Calendar: Google OAuth 2.0 (offline access for a refresh token), the Calendar API v3 on
// www.googleapis.com. One polling trigger (sync tokens) and three push-channel triggers (events.watch).
// See docs/integrations/googleCalendar.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { eventCreated } from './triggers/event-created.js';
import { webhookEventCancelled } from './triggers/webhook-event-cancelled.js';
import { webhookEventCreated } from './triggers/webhook-event-created.js';
import { webhookEventUpdated } from './triggers/webhook-event-updated.js';
import { googleRequest } from './google.js';

export { channelTokenScheme } from './triggers/push-channel.js';

export const googleCalendarIntegration = defineIntegration({
  key: 'googleCalendar',
  name: 'Google Calendar',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    // Reading events and watching them; a project can ask for more (e.g. .../auth/calendar) in its config.
    scopes: ['https://www.googleapis.com/auth/calendar.readonly'],
    pkce: true,
    clientAuth: 'body',
    // `access_type=offline` returns a refresh token; `prompt=consent` returns one again on a reconnect.
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  },
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
