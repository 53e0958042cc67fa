// Trigger when every signer has signed a signature request and its documents are ready to download (signature_request_all_signed).
import example from '../fixtures/event-signature-request-all-signed.json' with { type: 'json' };
import { signatureRequestTrigger } from './factory.js';

export const signatureRequestAllSigned = signatureRequestTrigger({
  type: 'DROPBOX_SIGN_TRIGGER_SIGNATURE_REQUEST_ALL_SIGNED',
  title: 'Signature Request All Signed',
  description: 'Trigger when every signer has signed a signature request and its documents are ready to download (signature_request_all_signed).',
  eventType: 'signature_request_all_signed',
  example,
});
