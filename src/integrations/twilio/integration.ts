// Twilio (Programmable Messaging): incoming messages on one phone number, through the number's own messaging
// webhook (webhooks.ts), verified with the account's Auth Token. Auth: HTTP Basic `AccountSid:AuthToken`
// (https://www.twilio.com/docs/usage/requests-to-twilio): the credential's `apiKey` is base64("AccountSid:AuthToken"),
// sent after `Basic `, and its `extra.accountSid` names the account in every path (api.ts). Twilio's Connect
// Apps are not offered. Setup: docs/integrations/twilio.md.
import { defineIntegration } from '../../sdk/index.js';
import { smsReceivedTrigger } from './triggers/sms-received.js';

export { twilioSignatureScheme } from './webhooks.js';

export const twilioIntegration = defineIntegration({
  key: 'twilio',
  name: 'Twilio',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Basic ' },
  apiBaseUrl: 'https://api.twilio.com/2010-04-01',
  docsUrl: 'https://www.twilio.com/docs/messaging/guides/webhook-request',
  triggers: [smsReceivedTrigger],
});
