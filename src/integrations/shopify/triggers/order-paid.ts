import { defineTrigger } from '../../../sdk/index.js';
import orderPaid from '../fixtures/order-paid.json' with { type: 'json' };
import { shopifyWebhook } from '../webhooks.js';

export const orderPaidTrigger = defineTrigger({
  type: 'SHOPIFY_TRIGGER_ORDER_PAID',
  title: 'Order paid',
  description:
    'Fires when the payment of an order is completed (webhook topic `orders/paid`): each such version of the order once. Delivers the order as Shopify sends it, with `financial_status: "paid"`.',
  parameters: [],
  examplePayload: orderPaid,
  docsUrl: 'https://shopify.dev/docs/api/webhooks/latest',
  source: shopifyWebhook('orders/paid'),
});
