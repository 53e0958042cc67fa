// Shopify (GraphQL Admin API) for one store per credential. Each trigger subscription creates one shop-specific webhook
// subscription (webhooks.ts), signed by Shopify with the app's client secret, which the project's integration
// `webhookSecret` must also hold. Setup: docs/integrations/shopify.md.
//
// Auth: Shopify's OAuth is per shop — authorize at `https://{shop}.myshopify.com/admin/oauth/authorize`, exchange the
// code at `https://{shop}.myshopify.com/admin/oauth/access_token` with the client id and secret, comma-separated scopes
// (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant) — and the
// token is sent as `X-Shopify-Access-Token`. The connect call names the store (`parameters: {shop}`), which fills the
// `{shop}` placeholders (ADR 0027); a token obtained elsewhere (a custom app's Admin API access token) is stored with
// `POST /credentials` as `accessToken` with `extra.shop`.
import { defineIntegration } from '../../sdk/index.js';
import { SHOP_QUERY, adminGraphql } from './api.js';
import { customerCreatedTrigger } from './triggers/customer-created.js';
import { orderCreatedTrigger } from './triggers/order-created.js';
import { orderFulfilledTrigger } from './triggers/order-fulfilled.js';
import { orderPaidTrigger } from './triggers/order-paid.js';
import { productCreatedTrigger } from './triggers/product-created.js';
import { productUpdatedTrigger } from './triggers/product-updated.js';

export const shopifyIntegration = defineIntegration({
  key: 'shopify',
  name: 'Shopify',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://{shop}.myshopify.com/admin/oauth/authorize',
    tokenUrl: 'https://{shop}.myshopify.com/admin/oauth/access_token',
    // What the six triggers read: orders (created, paid, fulfilled), customers, products.
    scopes: ['read_orders', 'read_customers', 'read_products'],
    scopeSeparator: ',',
    pkce: false,
    clientAuth: 'body',
    tokenHeader: { header: 'x-shopify-access-token' },
  },
  accountParameters: [{ name: 'shop', description: "the store's myshopify.com name, e.g. acme for acme.myshopify.com", acceptSuffix: '.myshopify.com' }],
  // Every store has its own Admin API host.
  apiBaseUrl: 'https://{shop}.myshopify.com',
  docsUrl: 'https://shopify.dev/docs/api/admin-graphql/latest/mutations/webhookSubscriptionCreate',
  async accountId({ http }) {
    // The token's own store, read back: the account is the store's permanent myshopify.com domain.
    const data = await adminGraphql<{ shop?: { myshopifyDomain?: unknown; name?: unknown } }>({ http }, 'reading the shop', SHOP_QUERY, {});
    const domain = data.shop?.myshopifyDomain;
    if (typeof domain !== 'string' || domain === '') throw new Error('Shopify answered the shop query without myshopifyDomain');
    return { providerAccountId: domain.toLowerCase(), extra: { ...(typeof data.shop?.name === 'string' ? { shopName: data.shop.name } : {}) } };
  },
  triggers: [orderCreatedTrigger, orderPaidTrigger, orderFulfilledTrigger, customerCreatedTrigger, productCreatedTrigger, productUpdatedTrigger],
});
