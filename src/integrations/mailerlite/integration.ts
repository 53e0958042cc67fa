// MailerLite (the new API at https://connect.mailerlite.com/api, not the classic api.mailerlite.com v2): one
// MailerLite webhook per trigger subscription (webhooks.ts), verified with the `secret` MailerLite returns at
// creation. Auth: an API token from Integrations → MailerLite API, sent as `Authorization: Bearer <token>`
// (https://developers.mailerlite.com/docs/#authentication). Setup: docs/integrations/mailerlite.md.
import { defineIntegration } from '../../sdk/index.js';
import { campaignSentTrigger } from './triggers/campaign-sent.js';
import { subscriberAddedToGroupTrigger } from './triggers/subscriber-added-to-group.js';
import { subscriberCreatedTrigger } from './triggers/subscriber-created.js';
import { subscriberUnsubscribedTrigger } from './triggers/subscriber-unsubscribed.js';

export { mailerliteSignatureScheme } from './webhooks.js';

export const mailerliteIntegration = defineIntegration({
  key: 'mailerlite',
  name: 'MailerLite',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://connect.mailerlite.com/api',
  docsUrl: 'https://developers.mailerlite.com/docs/webhooks',
  triggers: [subscriberCreatedTrigger, subscriberUnsubscribedTrigger, subscriberAddedToGroupTrigger, campaignSentTrigger],
});
