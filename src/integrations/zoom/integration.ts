// Zoom: one Marketplace app (General app, user- or admin-managed) for all accounts. Event notifications
// arrive on the project's app-level URL (the app's event subscription endpoint), verified with the app's
// Secret Token (the project's integration `webhookSecret`), and are routed by `payload.account_id` to
// credentials whose provider account id is that Zoom account (GET /users/me at connect time).
// Setup and design choices: docs/integrations/zoom.md.
import { defineIntegration } from '../../sdk/index.js';
import { zoomAccount } from './api.js';
import { parseZoomRequest, zoomSigningScheme, zoomUrlValidation } from './events.js';
import { meetingCreated } from './triggers/meeting-created.js';
import { meetingEnded } from './triggers/meeting-ended.js';
import { meetingStarted } from './triggers/meeting-started.js';
import { participantJoined } from './triggers/participant-joined.js';
import { recordingCompleted } from './triggers/recording-completed.js';

export const zoomIntegration = defineIntegration({
  key: 'zoom',
  name: 'Zoom',
  docsUrl: 'https://developers.zoom.us/docs/api/webhooks/',
  auth: {
    kind: 'oauth2',
    // https://developers.zoom.us/docs/integrations/oauth/ — authorization code grant; the token endpoint
    // takes the client credentials as HTTP Basic; access tokens last 1 hour and each refresh returns a new
    // refresh token (the old one stops working).
    authorizationUrl: 'https://zoom.us/oauth/authorize',
    tokenUrl: 'https://zoom.us/oauth/token',
    // Zoom grants the scopes configured on the app (Scopes page), not a `scope` request parameter, so none is
    // sent; the app needs user:read:user (GET /users/me) plus the scopes its event subscriptions require
    // (docs/integrations/zoom.md). A project may still set scopes in its integration config.
    scopes: [],
    scopeSeparator: ' ',
    // Confidential server-side client (client secret). Zoom also documents PKCE; it is not needed here.
    pkce: false,
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://api.zoom.us/v2',
  accountId: ({ http }) => zoomAccount(http),
  appWebhook: {
    verification: zoomSigningScheme,
    handshakes: [zoomUrlValidation],
    parse: parseZoomRequest,
  },
  triggers: [meetingStarted, meetingEnded, participantJoined, recordingCompleted, meetingCreated],
});
