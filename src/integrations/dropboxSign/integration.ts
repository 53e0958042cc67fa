// Dropbox Sign (formerly HelloSign), API v3 with an account's API key (HTTP Basic, the key as the user
// name and an empty password). Events arrive on the project's app-level URL, set once as the account's
// callback URL; see events.ts and docs/integrations/dropboxSign.md for why not one webhook per subscription.
import { defineIntegration } from '../../sdk/index.js';
import { dropboxSignAppWebhook } from './events.js';
import { signatureRequestAllSigned } from './triggers/signature-request-all-signed.js';
import { signatureRequestDeclined } from './triggers/signature-request-declined.js';
import { signatureRequestSent } from './triggers/signature-request-sent.js';
import { signatureRequestSigned } from './triggers/signature-request-signed.js';
import { signatureRequestViewed } from './triggers/signature-request-viewed.js';

export const dropboxSignIntegration = defineIntegration({
  key: 'dropboxSign',
  name: 'Dropbox Sign',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: '' },
  apiBaseUrl: 'https://api.hellosign.com/v3',
  docsUrl: 'https://developers.hellosign.com/docs/events/overview/',
  appWebhook: dropboxSignAppWebhook,
  triggers: [signatureRequestSigned, signatureRequestAllSigned, signatureRequestDeclined, signatureRequestViewed, signatureRequestSent],
});
