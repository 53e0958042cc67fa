import { defineTrigger } from '../../../sdk/index.js';
import { campaignSent } from '../fixtures/events.js';
import { idOf, mailerliteWebhook, timeOf, type MailerLiteParams } from '../webhooks.js';

export const campaignSentTrigger = defineTrigger<MailerLiteParams>({
  type: 'MAILERLITE_TRIGGER_CAMPAIGN_SENT',
  title: 'Campaign sent',
  description: 'Fires when a MailerLite campaign is sent (webhook event `campaign.sent`). Delivers `{id, name, total_recipients, preview_url, date}`.',
  parameters: [],
  examplePayload: campaignSent,
  docsUrl: 'https://developers.mailerlite.com/docs/webhooks',
  source: mailerliteWebhook({
    event: 'campaign.sent',
    // A campaign is sent once: its id.
    itemOf(body) {
      const id = idOf(body.id);
      return id ? { key: id, occurredAt: timeOf(body.date) } : null;
    },
  }),
});
