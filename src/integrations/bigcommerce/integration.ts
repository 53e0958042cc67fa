// BigCommerce for one store per credential. Each trigger subscription creates one webhook in the store
// (webhooks.ts), which carries the subscription's secret in a custom header BigCommerce sends back. Setup:
// docs/integrations/bigcommerce.md.
//
// Auth: a single-click app's OAuth at login.bigcommerce.com (the token answer names the store as
// `context: "stores/{store_hash}"`, https://developer.bigcommerce.com/docs/integrations/apps/guide/auth), or a store
// API account's access token stored with `POST /credentials` as `accessToken` with `extra.storeHash`. Either token is
// sent as `X-Auth-Token`. The API is `https://api.bigcommerce.com/stores/{store_hash}`: the connect call names the
// store (`parameters: {storeHash}`), which fills the placeholder (ADR 0027); accountId checks that the token's store is
// that one.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { bigcommerceCall } from './api.js';
import { customerCreatedTrigger } from './triggers/customer-created.js';
import { orderCreatedTrigger } from './triggers/order-created.js';
import { orderStatusUpdatedTrigger } from './triggers/order-status-updated.js';
import { productCreatedTrigger } from './triggers/product-created.js';

export { BIGCOMMERCE_VERIFICATION, SECRET_HEADER } from './webhooks.js';

export const bigcommerceIntegration = defineIntegration({
  key: 'bigcommerce',
  name: 'BigCommerce',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://login.bigcommerce.com/oauth2/authorize',
    tokenUrl: 'https://login.bigcommerce.com/oauth2/token',
    // What the four triggers read (orders, products, customers) and the store profile read by accountId. Creating
    // webhooks needs no scope of its own beyond the resource's.
    scopes: ['store_v2_orders_read_only', 'store_v2_products_read_only', 'store_v2_customers_read_only', 'store_v2_information_read_only'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    tokenHeader: { header: 'x-auth-token' },
  },
  accountParameters: [{ name: 'storeHash', description: 'the store hash, e.g. abc123 from the API path https://api.bigcommerce.com/stores/abc123/v3/' }],
  apiBaseUrl: 'https://api.bigcommerce.com/stores/{storeHash}',
  docsUrl: 'https://developer.bigcommerce.com/docs/rest-management/webhooks',
  async accountId({ http, token }) {
    // The token's store, read back (Store Information V2); the account is the store hash. A token answer naming another
    // store than the one the connect call chose is refused rather than stored under the wrong store.
    const store = await bigcommerceCall<{ id?: unknown; name?: unknown; domain?: unknown }>({ http }, 'reading the store', { path: '/v2/store' });
    const hash = typeof store?.id === 'string' ? store.id.toLowerCase() : '';
    if (hash === '') throw new ProviderError('permanent', 'BigCommerce answered the store information without its id');
    const context = token.extra?.context;
    if (typeof context === 'string' && context.toLowerCase() !== `stores/${hash}`) {
      throw new ProviderError('permanent', `the BigCommerce token is for ${context}, not stores/${hash}`);
    }
    return { providerAccountId: hash, extra: { ...(typeof store?.name === 'string' ? { storeName: store.name } : {}) } };
  },
  triggers: [orderCreatedTrigger, orderStatusUpdatedTrigger, productCreatedTrigger, customerCreatedTrigger],
});
