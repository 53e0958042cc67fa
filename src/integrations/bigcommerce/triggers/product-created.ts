import { defineTrigger } from '../../../sdk/index.js';
import productCreated from '../fixtures/product-created.json' with { type: 'json' };
import { bigcommerceWebhook } from '../webhooks.js';

export const productCreatedTrigger = defineTrigger({
  type: 'BIGCOMMERCE_TRIGGER_PRODUCT_CREATED',
  title: 'New product',
  description:
    'Fires when a product is created in the catalog (webhook scope `store/product/created`), once per product. Delivers the callback with the product read from the Catalog API under `product` (`{id, name, type, sku, price, inventory_level, is_visible, …}`; null if it was deleted meanwhile).',
  parameters: [],
  examplePayload: productCreated,
  docsUrl: 'https://developer.bigcommerce.com/docs/integrations/webhooks/events#products',
  source: bigcommerceWebhook('store/product/created'),
});
