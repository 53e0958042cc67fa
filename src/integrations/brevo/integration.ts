// Brevo (formerly Sendinblue): one Brevo webhook per trigger subscription (webhooks.ts), carrying the subscription's
// secret in a custom header Brevo sends back (Brevo signs nothing). Auth: an API key from SMTP & API → API keys, sent
// in the `api-key` header (https://developers.brevo.com/docs/getting-started). Setup: docs/integrations/brevo.md.
import { defineIntegration } from '../../sdk/index.js';
import { contactAddedToListTrigger } from './triggers/contact-added-to-list.js';
import { contactUnsubscribedTrigger } from './triggers/contact-unsubscribed.js';
import { emailDeliveredTrigger } from './triggers/email-delivered.js';
import { emailHardBouncedTrigger } from './triggers/email-hard-bounced.js';
import { emailOpenedTrigger } from './triggers/email-opened.js';

export { BREVO_VERIFICATION, SECRET_HEADER } from './webhooks.js';

export const brevoIntegration = defineIntegration({
  key: 'brevo',
  name: 'Brevo',
  auth: { kind: 'apiKey', header: 'api-key' },
  apiBaseUrl: 'https://api.brevo.com/v3',
  docsUrl: 'https://developers.brevo.com/docs/how-to-use-webhooks',
  triggers: [contactAddedToListTrigger, contactUnsubscribedTrigger, emailDeliveredTrigger, emailHardBouncedTrigger, emailOpenedTrigger],
});
