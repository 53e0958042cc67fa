// Trigger when a signer declines a signature request (signature_request_declined; the reason is in event.event_metadata.event_message).
import example from '../fixtures/event-signature-request-declined.json' with { type: 'json' };
import { signatureRequestTrigger } from './factory.js';

export const signatureRequestDeclined = signatureRequestTrigger({
  type: 'DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_DECLINED',
  title: 'Signature Request Declined',
  description: 'Trigger when a signer declines a signature request (signature_request_declined; the reason is in event.event_metadata.event_message).',
  eventType: 'signature_request_declined',
  example,
});
