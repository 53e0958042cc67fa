// Twilio SendGrid Event Webhook: one signed Event Webhook per trigger subscription (webhooks.ts), created with an API
// key sent as `Authorization: Bearer <key>` (https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/authentication).
// EU regional subusers use https://api.eu.sendgrid.com: set it as the project's apiBaseUrl.
// Setup: docs/integrations/sendgrid.md.
import { defineIntegration } from '../../sdk/index.js';
import { emailBouncedTrigger } from './triggers/email-bounced.js';
import { emailDeliveredTrigger } from './triggers/email-delivered.js';
import { emailOpenedTrigger } from './triggers/email-opened.js';
import { linkClickedTrigger } from './triggers/link-clicked.js';
import { spamReportTrigger } from './triggers/spam-report.js';

export { SENDGRID_SIGNATURE } from './webhooks.js';

export const sendgridIntegration = defineIntegration({
  key: 'sendgrid',
  name: 'SendGrid',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://api.sendgrid.com',
  docsUrl: 'https://www.twilio.com/docs/sendgrid/api-reference/webhooks/create-an-event-webhook',
  triggers: [emailDeliveredTrigger, emailOpenedTrigger, linkClickedTrigger, emailBouncedTrigger, spamReportTrigger],
});
