import { defineTrigger } from '../../../sdk/index.js';
import orderFulfilled from '../fixtures/order-fulfilled.json' with { type: 'json' };
import { shopifyWebhook } from '../webhooks.js';

export const orderFulfilledTrigger = defineTrigger({
  type: 'SHOPIFY_TRIGGER_ORDER_FULFILLED',
  title: 'Order fulfilled',
  description:
    'Fires when all the items of an order are fulfilled (webhook topic `orders/fulfilled`): each such version of the order once. Delivers the order as Shopify sends it, with `fulfillment_status: "fulfilled"`.',
  parameters: [],
  examplePayload: orderFulfilled,
  docsUrl: 'https://shopify.dev/docs/api/webhooks/latest',
  source: shopifyWebhook('orders/fulfilled'),
});
