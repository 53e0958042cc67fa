// Trigger each time one signer completes a signature request (signature_request_signed; once per signer).
import example from '../fixtures/event-signature-request-signed.json' with { type: 'json' };
import { signatureRequestTrigger } from './factory.js';

export const signatureRequestSigned = signatureRequestTrigger({
  type: 'DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_SIGNED',
  title: 'Signature Request Signed',
  description: 'Trigger each time one signer completes a signature request (signature_request_signed; once per signer).',
  eventType: 'signature_request_signed',
  example,
});
