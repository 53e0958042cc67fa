// Trigger when a signature request is sent from the account (signature_request_sent).
import example from '../fixtures/event-signature-request-sent.json' with { type: 'json' };
import { signatureRequestTrigger } from './factory.js';

export const signatureRequestSent = signatureRequestTrigger({
  type: 'DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_SENT',
  title: 'Signature Request Sent',
  description: 'Trigger when a signature request is sent from the account (signature_request_sent).',
  eventType: 'signature_request_sent',
  example,
});
