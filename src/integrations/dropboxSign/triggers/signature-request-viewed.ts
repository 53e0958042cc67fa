// Trigger when a signer views a signature request (signature_request_viewed).
import example from '../fixtures/event-signature-request-viewed.json' with { type: 'json' };
import { signatureRequestTrigger } from './factory.js';

export const signatureRequestViewed = signatureRequestTrigger({
  type: 'DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_VIEWED',
  title: 'Signature Request Viewed',
  description: 'Trigger when a signer views a signature request (signature_request_viewed).',
  eventType: 'signature_request_viewed',
  example,
});
