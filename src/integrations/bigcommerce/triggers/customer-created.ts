import { defineTrigger } from '../../../sdk/index.js';
import customerCreated from '../fixtures/customer-created.json' with { type: 'json' };
import { bigcommerceWebhook } from '../webhooks.js';

export const customerCreatedTrigger = defineTrigger({
  type: 'BIGCOMMERCE_TRIGGER_CUSTOMER_CREATED',
  title: 'New customer',
  description:
    'Fires when a customer account is created in the store (webhook scope `store/customer/created`), once per customer. Delivers the callback with the customer read from the Customers API under `customer` (`{id, email, first_name, last_name, company, customer_group_id, date_created, …}`; null if it was deleted meanwhile).',
  parameters: [],
  examplePayload: customerCreated,
  docsUrl: 'https://developer.bigcommerce.com/docs/integrations/webhooks/events#customers',
  source: bigcommerceWebhook('store/customer/created'),
});
