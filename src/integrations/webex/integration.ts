// Cisco Webex: per-subscription webhooks (POST /v1/webhooks) for messages, spaces, memberships and meetings, each
// with our per-subscription URL and the subscription's secret, which Webex uses to sign every delivery
// (X-Spark-Signature, hex HMAC-SHA1 of the body). Setup and design: docs/integrations/webex.md.
import { defineIntegration } from '../../sdk/index.js';
import { meetingEnded } from './triggers/meeting-ended.js';
import { meetingStarted } from './triggers/meeting-started.js';
import { membershipCreated } from './triggers/membership-created.js';
import { messageCreated } from './triggers/message-created.js';
import { roomCreated } from './triggers/room-created.js';

export const webexIntegration = defineIntegration({
  key: 'webex',
  name: 'Webex',
  docsUrl: 'https://developer.webex.com/docs/webhooks',
  auth: {
    kind: 'oauth2',
    // https://developer.webex.com/docs/integrations: authorize and token endpoints, refresh tokens.
    authorizationUrl: 'https://webexapis.com/v1/authorize',
    tokenUrl: 'https://webexapis.com/v1/access_token',
    // Creating a webhook needs the read scope of its resource; messages also need it to read the message.
    scopes: ['spark:messages_read', 'spark:rooms_read', 'spark:memberships_read', 'meeting:schedules_read'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://webexapis.com',
  triggers: [messageCreated, roomCreated, membershipCreated, meetingStarted, meetingEnded],
});
