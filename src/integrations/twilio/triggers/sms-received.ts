import { defineTrigger } from '../../../sdk/index.js';
import { PHONE_NUMBER_SID } from '../api.js';
import { incomingSms } from '../fixtures/messages.js';
import { smsReceivedWebhook, type SmsReceivedParams } from '../webhooks.js';

export const smsReceivedTrigger = defineTrigger<SmsReceivedParams>({
  type: 'TWILIO_TRIGGER_SMS_RECEIVED',
  title: 'Incoming message received',
  description:
    'Fires when an SMS or MMS arrives at one Twilio phone number. Subscribing points the number\'s messaging webhook (SmsUrl) at OpenTriggers and unsubscribing puts the previous one back; Twilio sends no automatic reply meanwhile. Delivers Twilio\'s request fields: `{MessageSid, AccountSid, From, To, Body, NumMedia, MediaUrl0, …}`.',
  parameters: [
    {
      id: 'phoneNumberSid',
      title: 'Phone number SID',
      type: 'TEXT',
      required: true,
      placeholder: 'PN0123456789abcdef0123456789abcdef',
      description: 'The SID of the Twilio phone number (Phone Numbers → Active numbers → the number → Properties; PN followed by 32 hexadecimal characters).',
      validate: (v) => (typeof v === 'string' && PHONE_NUMBER_SID.test(v) ? null : 'must be a Twilio phone number SID: PN followed by 32 hexadecimal characters'),
    },
  ],
  examplePayload: incomingSms,
  docsUrl: 'https://www.twilio.com/docs/messaging/guides/webhook-request',
  source: smsReceivedWebhook(),
});
