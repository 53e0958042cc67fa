import { defineTrigger } from '../../../sdk/index.js';
import productUpdated from '../fixtures/product-updated.json' with { type: 'json' };
import { shopifyWebhook } from '../webhooks.js';

export const productUpdatedTrigger = defineTrigger({
  type: 'SHOPIFY_TRIGGER_PRODUCT_UPDATED',
  title: 'Product updated',
  description:
    'Fires when a product changes (webhook topic `products/update`): each version (its `updated_at`) once. Delivers the product as Shopify sends it after the change.',
  parameters: [],
  examplePayload: productUpdated,
  docsUrl: 'https://shopify.dev/docs/api/webhooks/latest',
  source: shopifyWebhook('products/update'),
});
