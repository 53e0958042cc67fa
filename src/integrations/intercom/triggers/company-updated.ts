import { defineTrigger } from '../../../sdk/index.js';
import notification from '../fixtures/notification-company-updated.json' with { type: 'json' };
import { companyItems } from '../webhooks.js';

export const companyUpdated = defineTrigger({
  type: 'INTERCOM_TRIGGER_COMPANY_UPDATED',
  title: 'Company updated',
  description:
    'Fires when a company is updated (webhook topic `company.updated`, configured once on the Intercom app). Delivers the company object.',
  parameters: [],
  examplePayload: notification.data.item,
  docsUrl: 'https://developers.intercom.com/docs/references/webhooks/webhook-models',
  source: { kind: 'appWebhook', match: (event) => companyItems(event, 'company.updated') },
});
