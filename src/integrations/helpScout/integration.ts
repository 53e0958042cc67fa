// Help Scout (Mailbox API 2.0) through OAuth 2 (authorization code). Each trigger subscription creates one Help
// Scout webhook for one event, signed with a secret we choose (webhooks.ts). Setup: docs/integrations/helpScout.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentUser } from './api.js';
import { conversationAssignedTrigger } from './triggers/conversation-assigned.js';
import { conversationCreatedTrigger } from './triggers/conversation-created.js';
import { conversationStatusChangedTrigger } from './triggers/conversation-status-changed.js';
import { customerCreatedTrigger } from './triggers/customer-created.js';
import { customerRepliedTrigger } from './triggers/customer-replied.js';

export const helpScoutIntegration = defineIntegration({
  key: 'helpScout',
  name: 'Help Scout',
  auth: {
    kind: 'oauth2',
    // https://developer.helpscout.com/mailbox-api/overview/authentication/: authorize at
    // secure.helpscout.net/authentication/authorizeClientApplication, exchange the code (and refresh tokens) at
    // POST /v2/oauth2/token with client_id and client_secret in the form body. Scopes are not requested.
    authorizationUrl: 'https://secure.helpscout.net/authentication/authorizeClientApplication',
    tokenUrl: 'https://api.helpscout.net/v2/oauth2/token',
    scopes: [],
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.helpscout.net',
  docsUrl: 'https://developer.helpscout.com/mailbox-api/overview/authentication/',
  async accountId({ http }) {
    const me = await currentUser(http);
    return { providerAccountId: String(me.id), extra: { userId: String(me.id) } };
  },
  triggers: [conversationCreatedTrigger, conversationAssignedTrigger, conversationStatusChangedTrigger, customerRepliedTrigger, customerCreatedTrigger],
});
