import { defineTrigger } from '../../../sdk/index.js';
import productCreated from '../fixtures/product-created.json' with { type: 'json' };
import { shopifyWebhook } from '../webhooks.js';

export const productCreatedTrigger = defineTrigger({
  type: 'SHOPIFY_TRIGGER_PRODUCT_CREATED',
  title: 'New product',
  description:
    'Fires when a product is created in the shop (webhook topic `products/create`). Delivers the product as Shopify sends it: `{id, title, vendor, product_type, status, variants, created_at, …}`.',
  parameters: [],
  examplePayload: productCreated,
  docsUrl: 'https://shopify.dev/docs/api/webhooks/latest',
  source: shopifyWebhook('products/create'),
});
