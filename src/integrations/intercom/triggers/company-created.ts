import { defineTrigger } from '../../../sdk/index.js';
import notification from '../fixtures/notification-company-created.json' with { type: 'json' };
import { companyItems } from '../webhooks.js';

export const companyCreated = defineTrigger({
  type: 'INTERCOM_TRIGGER_COMPANY_CREATED',
  title: 'Company created',
  description:
    'Fires when a company is created (webhook topic `company.created`, configured once on the Intercom app). Delivers the company object.',
  parameters: [],
  examplePayload: notification.data.item,
  docsUrl: 'https://developers.intercom.com/docs/references/webhooks/webhook-models',
  source: { kind: 'appWebhook', match: (event) => companyItems(event, 'company.created') },
});
