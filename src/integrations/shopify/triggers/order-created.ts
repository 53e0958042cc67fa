import { defineTrigger } from '../../../sdk/index.js';
import orderCreated from '../fixtures/order-created.json' with { type: 'json' };
import { shopifyWebhook } from '../webhooks.js';

export const orderCreatedTrigger = defineTrigger({
  type: 'SHOPIFY_TRIGGER_ORDER_CREATED',
  title: 'New order',
  description:
    'Fires when an order is created in the shop (webhook topic `orders/create`). Delivers the order as Shopify sends it: `{id, admin_graphql_api_id, name, email, created_at, total_price, financial_status, line_items, customer, …}`.',
  parameters: [],
  examplePayload: orderCreated,
  docsUrl: 'https://shopify.dev/docs/api/webhooks/latest',
  source: shopifyWebhook('orders/create'),
});
