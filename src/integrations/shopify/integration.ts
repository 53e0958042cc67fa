// Shopify (GraphQL Admin API) for one store per credential. Each trigger subscription creates one shop-specific webhook
// subscription (webhooks.ts), signed by Shopify with the app's client secret, which the project's integration
// `webhookSecret` must also hold. Setup: docs/integrations/shopify.md.
//
// Auth: Shopify's OAuth is per shop — authorize at `https://{shop}.myshopify.com/admin/oauth/authorize`, exchange the
// code at `https://{shop}.myshopify.com/admin/oauth/access_token` — and the token is sent as `X-Shopify-Access-Token`
// (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant). The
// engine's connect flow has one authorization URL per project and sends OAuth tokens as `Authorization: Bearer`, so
// the connect flow cannot serve it: the host application runs Shopify's OAuth (or uses a custom app's Admin API
// access token) and stores the token with `POST /credentials` as `apiKey`, the store's domain in `extra.shop`.
import { defineIntegration } from '../../sdk/index.js';
import { customerCreatedTrigger } from './triggers/customer-created.js';
import { orderCreatedTrigger } from './triggers/order-created.js';
import { orderFulfilledTrigger } from './triggers/order-fulfilled.js';
import { orderPaidTrigger } from './triggers/order-paid.js';
import { productCreatedTrigger } from './triggers/product-created.js';
import { productUpdatedTrigger } from './triggers/product-updated.js';

export const shopifyIntegration = defineIntegration({
  key: 'shopify',
  name: 'Shopify',
  auth: { kind: 'apiKey', header: 'x-shopify-access-token' },
  // Never used for calls: they go to the credential's shop (api.ts), as Shopify's Admin API has no shared host. A
  // reserved `.invalid` name (RFC 2606), so that a call made without the shop fails instead of reaching anyone.
  apiBaseUrl: 'https://shopify.invalid',
  docsUrl: 'https://shopify.dev/docs/api/admin-graphql/latest/mutations/webhookSubscriptionCreate',
  triggers: [orderCreatedTrigger, orderPaidTrigger, orderFulfilledTrigger, customerCreatedTrigger, productCreatedTrigger, productUpdatedTrigger],
});
