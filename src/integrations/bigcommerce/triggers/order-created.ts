import { defineTrigger } from '../../../sdk/index.js';
import orderCreated from '../fixtures/order-created.json' with { type: 'json' };
import { bigcommerceWebhook } from '../webhooks.js';

export const orderCreatedTrigger = defineTrigger({
  type: 'BIGCOMMERCE_TRIGGER_ORDER_CREATED',
  title: 'New order',
  description:
    'Fires when an order is created in the store (webhook scope `store/order/created`), once per order. Delivers the callback (`scope`, `data: {type, id}`, `created_at`, `producer`) with the order read from the API under `order` (`{id, customer_id, status_id, status, total_inc_tax, currency_code, billing_address, …}`; null if it was deleted meanwhile).',
  parameters: [],
  examplePayload: orderCreated,
  docsUrl: 'https://developer.bigcommerce.com/docs/integrations/webhooks/events#orders',
  source: bigcommerceWebhook('store/order/created'),
});
