import { defineTrigger } from '../../../sdk/index.js';
import customerCreated from '../fixtures/customer-created.json' with { type: 'json' };
import { shopifyWebhook } from '../webhooks.js';

export const customerCreatedTrigger = defineTrigger({
  type: 'SHOPIFY_TRIGGER_CUSTOMER_CREATED',
  title: 'New customer',
  description:
    'Fires when a customer is created in the shop (webhook topic `customers/create`). Delivers the customer as Shopify sends it: `{id, admin_graphql_api_id, email, first_name, last_name, created_at, …}`.',
  parameters: [],
  examplePayload: customerCreated,
  docsUrl: 'https://shopify.dev/docs/api/webhooks/latest',
  source: shopifyWebhook('customers/create'),
});
